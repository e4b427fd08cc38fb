package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code semafor.dashboard.enabled=true}: the application serves Semafor's dashboard and HTTP API
 * on a port of their own, over its broker and tasks, while the application runs.
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
  void aDashboardBoundBeyondLoopbackWithoutATokenFailsStartUpNamingTheProperty() {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                SemaforStarterContract.start(
                        "memory:",
                        "semafor.dashboard.enabled=true",
                        "semafor.dashboard.port=0",
                        "semafor.dashboard.bind=0.0.0.0")
                    .close());

    Throwable cause = thrown;
    while (cause != null && !(cause instanceof InvalidSemaforPropertyException)) {
      cause = cause.getCause();
    }
    assertThat(cause).isNotNull();
    assertThat(((InvalidSemaforPropertyException) cause).property()).isEqualTo("semafor.dashboard");
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
