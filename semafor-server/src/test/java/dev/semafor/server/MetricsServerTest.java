package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void servesTheRegistryOnLoopback() {
    Counter.builder("semafor.test.things").register(registry).increment(3);

    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, null)) {
      Http.Response r = new Http("http://127.0.0.1:" + server.port()).get("/metrics");

      assertThat(r.status()).isEqualTo(200);
      assertThat(MetricsTest.value(r.body(), "semafor_test_things_total", Map.of())).isEqualTo(3);
    }
  }

  @Test
  void needsTheTokenWhenGivenOne() {
    String token = "metrics-token-0123456789";
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, token)) {
      Http http = new Http("http://127.0.0.1:" + server.port());

      ApiFixture.assertProblem(http.get("/metrics"), 401, "unauthorized");
      assertThat(http.get("/metrics", "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }
  }

  @Test
  void refusesAllInterfacesWithoutAToken() {
    assertThatIllegalStateException()
        .isThrownBy(() -> MetricsServer.start("0.0.0.0", 0, registry, null))
        .withMessageContaining("without a token");
  }
}
