package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.server.DashboardServer;
import dev.semafor.worker.WorkerConfig;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration metadata IDEs read describes every property, and the defaults it states are the
 * ones the code uses.
 */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyHasADescriptionAndTheStatedDefaultsAreTheCodes() throws Exception {
    Map<String, JsonNode> properties = new HashMap<>();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      for (JsonNode p : JsonMapper.builder().build().readTree(in).get("properties")) {
        properties.put(p.get("name").asString(), p);
      }
    }
    assertThat(properties.values())
        .allSatisfy(p -> assertThat(p.path("description").asString()).isNotBlank());
    SemaforProperties code = new SemaforProperties();

    assertThat(text(properties, "semafor.broker")).isEqualTo(code.getBroker());
    assertThat(duration(properties, "semafor.worker.shutdown-grace"))
        .isEqualTo(WorkerConfig.DEFAULT_GRACE)
        .isEqualTo(code.getWorker().getShutdownGrace());
    assertThat(duration(properties, "semafor.worker.lease-duration"))
        .isEqualTo(WorkerConfig.DEFAULT_LEASE);
    assertThat(duration(properties, "semafor.worker.heartbeat-interval"))
        .isEqualTo(WorkerConfig.DEFAULT_HEARTBEAT);
    assertThat(duration(properties, "semafor.worker.poll-interval"))
        .isEqualTo(WorkerConfig.DEFAULT_POLL);
    assertThat(properties.get("semafor.worker.queues").get("defaultValue").get(0).asString())
        .isEqualTo(WorkerConfig.DEFAULT_QUEUES.get(0));
    assertThat(text(properties, "semafor.dashboard.bind")).isEqualTo(DashboardServer.DEFAULT_BIND);
    assertThat(properties.get("semafor.dashboard.port").get("defaultValue").asInt())
        .isEqualTo(DashboardServer.DEFAULT_PORT);
    assertThat(text(properties, "semafor.worker.model"))
        .isEqualTo(code.getWorker().getModel().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static String text(Map<String, JsonNode> properties, String name) {
    return properties.get(name).get("defaultValue").asString();
  }

  private static Duration duration(Map<String, JsonNode> properties, String name) {
    return DurationStyle.detectAndParse(text(properties, name));
  }
}
