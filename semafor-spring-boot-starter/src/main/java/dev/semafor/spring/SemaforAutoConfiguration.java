package dev.semafor.spring;

import dev.semafor.Json;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.server.metrics.WorkerMetrics;
import dev.semafor.spi.Broker;
import java.time.InstantSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Semafor in a Spring Boot application: a {@link Broker} opened from {@code semafor.broker}, a
 * {@link TaskRegistry} holding the built-in tasks, every {@link TaskModule} on the classpath and
 * every {@link TaskModule}, {@link TaskDefinition} and {@link SemaforTask} method among the beans,
 * a {@link Client} that checks jobs against it, the worker ({@link SemaforWorkerLifecycle}), its
 * meters, its health, and optionally the dashboard. Each bean backs off when the application
 * defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
      "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration"
    })
@EnableConfigurationProperties(SemaforProperties.class)
public class SemaforAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Broker semaforBroker(SemaforProperties properties) {
    return SemaforSettings.openBroker(properties.getBroker());
  }

  @Bean
  @ConditionalOnMissingBean
  TaskRegistry semaforTaskRegistry(
      ObjectProvider<TaskModule> modules, ObjectProvider<TaskDefinition<?, ?>> definitions) {
    TaskRegistry registry = TaskRegistry.discover(getClass().getClassLoader());
    modules.orderedStream().forEach(m -> m.register(registry));
    definitions.orderedStream().forEach(registry::register);
    return registry;
  }

  @Bean
  @ConditionalOnMissingBean
  Client semaforClient(Broker broker, TaskRegistry registry) {
    return new Client(broker, registry, Json.defaults(), InstantSource.system());
  }

  @Bean
  static SemaforTaskMethods semaforTaskMethods(
      ObjectProvider<TaskRegistry> registry,
      ObjectProvider<Payloads> payloads,
      ObjectProvider<SemaforProperties> properties) {
    return new SemaforTaskMethods(registry, payloads, properties);
  }

  @Bean
  @ConditionalOnBooleanProperty(name = "semafor.worker.enabled", matchIfMissing = true)
  SemaforWorkerLifecycle semaforWorker(
      SemaforProperties properties,
      Broker broker,
      TaskRegistry registry,
      SemaforTaskMethods methods,
      ObjectProvider<WorkerMetrics> metrics) {
    return new SemaforWorkerLifecycle(
        broker,
        registry,
        SemaforSettings.workerConfig(properties.getWorker()),
        metrics.getIfAvailable(),
        methods::schedules);
  }

  /** The worker's meters; Spring Boot binds every MeterBinder bean to the MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnBooleanProperty(name = "semafor.metrics.enabled", matchIfMissing = true)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    WorkerMetrics semaforWorkerMetrics() {
      return new WorkerMetrics();
    }
  }

  /**
   * Binds payloads with the application's Jackson 3 mapper (Spring Boot 4's default), else its
   * Jackson 2 one, else Semafor's own.
   */
  @Bean
  @ConditionalOnMissingBean
  Payloads semaforPayloads(
      ListableBeanFactory beans,
      ObjectProvider<com.fasterxml.jackson.databind.ObjectMapper> jackson2) {
    if (ClassUtils.isPresent(Jackson3Payloads.MAPPER, getClass().getClassLoader())) {
      Payloads payloads = Jackson3Payloads.of(beans);
      if (payloads != null) {
        return payloads;
      }
    }
    com.fasterxml.jackson.databind.ObjectMapper own = jackson2.getIfAvailable();
    return Payloads.of(own != null ? new Json(own) : Json.defaults());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnEnabledHealthIndicator("semafor")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "semaforHealthIndicator")
    SemaforHealthIndicator semaforHealthIndicator(
        Broker broker, ObjectProvider<SemaforWorkerLifecycle> worker) {
      return new SemaforHealthIndicator(broker, worker.getIfAvailable());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "semafor.dashboard.enabled")
  static class Dashboard {
    @Bean
    SemaforDashboard semaforDashboard(
        SemaforProperties properties, Broker broker, TaskRegistry registry) {
      return new SemaforDashboard(properties.getDashboard(), broker, registry);
    }

    /**
     * {@code semafor.dashboard.path}: the dashboard's servlet in the application's own servlet
     * container, under the path, where the application's filters (Spring Security) apply.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(SemaforDashboard.PATH)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Mounted {
      @Bean
      ServletRegistrationBean<jakarta.servlet.http.HttpServlet> semaforDashboardServlet(
          SemaforDashboard dashboard) {
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> registration =
            new ServletRegistrationBean<>(dashboard.servlet(), dashboard.path() + "/*");
        registration.setName("semaforDashboard");
        registration.setAsyncSupported(true);
        return registration;
      }
    }
  }
}
