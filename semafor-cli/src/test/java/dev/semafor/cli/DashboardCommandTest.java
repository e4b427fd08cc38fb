package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real {@code semafor dashboard} process: what it prints once it listens, and its API. */
class DashboardCommandTest {
  @Test
  void jsonSaysWhereItListensEvenOnAPortItPicked(@TempDir Path dir) throws Exception {
    Process dashboard =
        CliProcess.start(dir, "dashboard", "--broker", "memory:", "--port", "0", "--json");
    try {
      Path out = dir.resolve("out.txt");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(out).endsWith("\n") || !dashboard.isAlive());
      assertThat(dashboard.isAlive()).as("running; stderr:%n%s", CliProcess.err(dir)).isTrue();
      JsonNode started = Output.tree(Files.readString(out));
      assertThat(started.get("url").asText())
          .isEqualTo("http://127.0.0.1:" + started.get("port").asInt() + "/");
      assertThat(started.get("port").asInt()).isPositive();
      assertThat(started.get("broker").asText()).startsWith("memory");
      assertThat(started.get("token_required").asBoolean()).isFalse();

      HttpResponse<String> info =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(started.get("url").asText() + "api/v1/info"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(info.statusCode()).isEqualTo(200);
    } finally {
      dashboard.destroy();
      assertThat(dashboard.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
  }
}
