package dev.semafor.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobOptions;
import dev.semafor.Task;
import dev.semafor.TaskRegistry;
import dev.semafor.schedule.Schedule;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds {@link SemaforTask} methods on the application's beans as they are made — and {@link Task}
 * beans whose {@code @Bean} method carries the annotation — and once every singleton exists
 * registers them as tasks (and their cron expressions as schedules). Beans made later (lazy ones)
 * are not looked at.
 */
final class SemaforTaskMethods
    implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {
  /** A method to run, or ({@code task} not null) a Task bean made by {@code method}. */
  private record Found(Object bean, Method method, SemaforTask annotation, Task<?, ?> task) {}

  private final ObjectProvider<TaskRegistry> registry;
  private final ObjectProvider<Payloads> payloads;
  private final ObjectProvider<SemaforProperties> properties;
  private final List<Found> found = new ArrayList<>();
  private final List<Schedule> schedules = new ArrayList<>();
  private BeanFactory beanFactory;

  SemaforTaskMethods(
      ObjectProvider<TaskRegistry> registry,
      ObjectProvider<Payloads> payloads,
      ObjectProvider<SemaforProperties> properties) {
    this.registry = registry;
    this.payloads = payloads;
    this.properties = properties;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, SemaforTask> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<SemaforTask>)
                m ->
                    AnnotatedElementUtils.hasAnnotation(m, Bean.class)
                        ? null // a @Bean method makes a Task bean: found with that bean
                        : AnnotatedElementUtils.findMergedAnnotation(m, SemaforTask.class));
    Method factory = bean instanceof Task<?, ?> ? factoryMethod(beanName) : null;
    SemaforTask onFactory =
        factory == null
            ? null
            : AnnotatedElementUtils.findMergedAnnotation(factory, SemaforTask.class);
    synchronized (found) {
      methods.forEach((m, a) -> found.add(new Found(bean, m, a, null)));
      if (onFactory != null) {
        found.add(new Found(bean, factory, onFactory, (Task<?, ?>) bean));
      }
    }
    return bean;
  }

  private Method factoryMethod(String beanName) {
    if (beanFactory instanceof ConfigurableListableBeanFactory f
        && f.containsBeanDefinition(beanName)
        && f.getMergedBeanDefinition(beanName) instanceof RootBeanDefinition d) {
      return d.getResolvedFactoryMethod();
    }
    return null;
  }

  @Override
  public void afterSingletonsInstantiated() {
    TaskRegistry tasks = registry.getObject();
    Payloads binder = payloads.getObject();
    ZoneId defaultZone = properties.getObject().getSchedules().getZone();
    synchronized (found) {
      for (Found f : found) {
        String name = f.annotation().value();
        tasks.register(name, JsonNode.class, bind(f, binder));
        if (!f.annotation().cron().isBlank()) {
          schedules.add(schedule(f, defaultZone));
        }
      }
      found.clear();
    }
  }

  /** The schedules of {@code @SemaforTask(cron = ...)} methods; the worker runs them. */
  List<Schedule> schedules() {
    synchronized (found) {
      return List.copyOf(schedules);
    }
  }

  private static BoundTask bind(Found f, Payloads binder) {
    if (f.task() == null) {
      return BoundTask.ofMethod(f.bean(), f.method(), binder);
    }
    ResolvableType input =
        ResolvableType.forMethodReturnType(f.method()).as(Task.class).getGeneric(0);
    Type inputType = input.resolve() == null ? Object.class : input.getType();
    return BoundTask.ofTask(f.task(), inputType, binder);
  }

  private static Schedule schedule(Found f, ZoneId defaultZone) {
    SemaforTask a = f.annotation();
    try {
      ZoneId zone =
          !a.zone().isBlank()
              ? ZoneId.of(a.zone())
              : defaultZone != null ? defaultZone : ZoneId.systemDefault();
      return Schedule.cron(a.value(), a.cron(), zone, a.value(), null)
          .options(JobOptions.defaults().queue(a.queue()));
    } catch (RuntimeException e) {
      throw new InvalidSemaforTaskException(f.method(), e.getMessage(), e);
    }
  }
}
