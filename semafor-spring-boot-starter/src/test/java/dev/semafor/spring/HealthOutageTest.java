package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.jdbc.testing.ScratchPostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The health endpoint while the broker really is unreachable: the application runs on a PostgreSQL
 * server of the test's own ({@link ScratchPostgres}, on a free port), which the test stops and
 * starts again. The application's health goes DOWN while the server is gone and UP once it is back.
 */
class HealthOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void theHealthEndpointIsDownWhileTheBrokerIsUnreachableAndUpWhenItIsBack() throws Exception {
    try (ScratchPostgres server = ScratchPostgres.start();
        ConfigurableApplicationContext app =
            SemaforStarterContract.start(
                server.url("app"),
                "server.port=0",
                "management.endpoint.health.show-details=always")) {
      int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
      assertThat(status(port, "/actuator/health")).isEqualTo(200);

      server.stop();

      await().atMost(WAIT).until(() -> status(port, "/actuator/health") == 503);
      HttpResponse<String> semafor = SemaforStarterContract.get(port, "/actuator/health/semafor");
      assertThat(semafor.statusCode()).isEqualTo(503);
      assertThat(semafor.body()).contains("\"status\":\"DOWN\"");

      server.startAgain();

      await().atMost(WAIT).until(() -> status(port, "/actuator/health") == 200);
      assertThat(SemaforStarterContract.get(port, "/actuator/health/semafor").body())
          .contains("\"status\":\"UP\"")
          .contains("\"worker\":\"" + app.getBean(SemaforWorkerLifecycle.class).worker().id());
    }
  }

  private static int status(int port, String path) throws Exception {
    return SemaforStarterContract.get(port, path).statusCode();
  }
}
