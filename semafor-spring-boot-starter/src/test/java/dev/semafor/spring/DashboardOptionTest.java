package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code semafor.dashboard.enabled=true}: the application serves Semafor's dashboard and HTTP API
 * over its broker and tasks, while the application runs: on a port of their own, or under {@code
 * semafor.dashboard.path} in the application's own web server.
 */
class DashboardOptionTest {

  @Test
  void theDashboardServesTheApplicationsBrokerOnItsOwnPortWhileTheApplicationRuns()
      throws Exception {
    int port;
    try (ConfigurableApplicationContext app =
        SemaforStarterContract.start(
            "memory:", "semafor.dashboard.enabled=true", "semafor.dashboard.port=0")) {
      SemaforDashboard dashboard = app.getBean(SemaforDashboard.class);
      port = dashboard.server().port();

      HttpResponse<String> info = SemaforStarterContract.get(port, "/api/v1/info");
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.body()).contains("memory:").contains("test.greet");
    }
    assertThat(app(port)).as("the dashboard stops with the application").isFalse();
  }

  @Test
  void underAPathTheApplicationsOwnServerServesTheApiAndThePageThroughItsFilters()
      throws Exception {
    try (ConfigurableApplicationContext app =
        SemaforStarterContract.start(
            new Class<?>[] {TestApp.class, Requests.class},
            "memory:",
            "server.port=0",
            "semafor.dashboard.enabled=true",
            "semafor.dashboard.path=/semafor")) {
      int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
      Requests seen = app.getBean(Requests.class);

      HttpResponse<String> info = SemaforStarterContract.get(port, "/semafor/api/v1/info");
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(info.body()).contains("memory:").contains("test.greet");
      assertThat(seen.paths)
          .as("the application's filters see it")
          .contains("/semafor/api/v1/info");

      HttpResponse<String> bare = SemaforStarterContract.get(port, "/semafor");
      assertThat(bare.statusCode()).isEqualTo(301);
      assertThat(bare.headers().firstValue("Location"))
          .hasValueSatisfying(l -> assertThat(l).endsWith("/semafor/"));
      HttpResponse<String> page = SemaforStarterContract.get(port, "/semafor/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("src=\"assets/app.js\"");
      assertThat(SemaforStarterContract.get(port, "/semafor/assets/app.js").statusCode())
          .isEqualTo(200);
      assertThat(SemaforStarterContract.get(port, "/api/v1/info").statusCode())
          .as("nothing of Semafor's outside the path")
          .isEqualTo(404);
      assertThat(app.getBean(SemaforDashboard.class).server()).isNotNull();
    }
  }

  @Test
  void aPathWithoutAServletWebServerFailsStartUpNamingTheProperty() {
    assertThat(refusedProperty("semafor.dashboard.enabled=true", "semafor.dashboard.path=/semafor"))
        .isEqualTo("semafor.dashboard.path");
  }

  @Test
  void aPathThatIsNotOneFailsStartUpNamingTheProperty() {
    assertThat(
            refusedProperty(
                "server.port=0",
                "semafor.dashboard.enabled=true",
                "semafor.dashboard.path=semafor/"))
        .isEqualTo("semafor.dashboard.path");
  }

  @Test
  void aDashboardBoundBeyondLoopbackWithoutATokenFailsStartUpNamingTheProperty() {
    assertThat(
            refusedProperty(
                "semafor.dashboard.enabled=true",
                "semafor.dashboard.port=0",
                "semafor.dashboard.bind=0.0.0.0"))
        .isEqualTo("semafor.dashboard");
  }

  /** The property a start-up with {@code properties} is refused for. */
  private static String refusedProperty(String... properties) {
    String[] all = new String[properties.length + 1];
    all[0] = BadPropertyStartupTest.QUIET;
    System.arraycopy(properties, 0, all, 1, properties.length);
    Throwable cause =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> BadPropertyStartupTest.startQuietly(new Class<?>[] {TestApp.class}, all));
    while (cause != null && !(cause instanceof InvalidSemaforPropertyException)) {
      cause = cause.getCause();
    }
    assertThat(cause).as("start-up refused with the property named").isNotNull();
    return ((InvalidSemaforPropertyException) cause).property();
  }

  /** An application filter: it records each request's path, as Spring Security would see it. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Requests {
    final java.util.List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.springframework.context.annotation.Bean
    jakarta.servlet.Filter recordingFilter() {
      return (request, response, chain) -> {
        paths.add(((jakarta.servlet.http.HttpServletRequest) request).getRequestURI());
        chain.doFilter(request, response);
      };
    }
  }

  private static boolean app(int port) {
    try {
      SemaforStarterContract.get(port, "/api/v1/info");
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
