package dev.semafor.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.schedule.Schedule;
import java.lang.reflect.Method;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds {@link SemaforTask} methods on the application's beans as they are made, and once every
 * singleton exists registers them as tasks (and their cron expressions as schedules). Beans made
 * later (lazy ones) are not looked at.
 */
final class SemaforTaskMethods implements BeanPostProcessor, SmartInitializingSingleton {
  private record Found(Object bean, Method method, SemaforTask annotation) {}

  private final ObjectProvider<TaskRegistry> registry;
  private final ObjectProvider<Payloads> payloads;
  private final ObjectProvider<SemaforProperties> properties;
  private final List<Found> found = new ArrayList<>();
  private final List<Schedule> schedules = new ArrayList<>();

  SemaforTaskMethods(
      ObjectProvider<TaskRegistry> registry,
      ObjectProvider<Payloads> payloads,
      ObjectProvider<SemaforProperties> properties) {
    this.registry = registry;
    this.payloads = payloads;
    this.properties = properties;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, SemaforTask> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<SemaforTask>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, SemaforTask.class));
    synchronized (found) {
      methods.forEach((m, a) -> found.add(new Found(bean, m, a)));
    }
    return bean;
  }

  @Override
  public void afterSingletonsInstantiated() {
    TaskRegistry tasks = registry.getObject();
    Payloads binder = payloads.getObject();
    ZoneId defaultZone = properties.getObject().getSchedules().getZone();
    synchronized (found) {
      for (Found f : found) {
        String name = f.annotation().value();
        tasks.register(name, JsonNode.class, MethodTask.of(f.bean(), f.method(), binder));
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
      throw new IllegalArgumentException(MethodTask.where(f.method()) + e.getMessage(), e);
    }
  }
}
