package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code semafor job ID} shows the lines the job's task logged, as text and as {@code logs}. */
class JobLogsCommandTest {
  private static final Instant AT = Instant.parse("2030-01-01T00:00:01Z");

  @Test
  void theLinesAreShownOldestFirstWithTheirTimes(@TempDir Path dir) throws Exception {
    String url = "sqlite:" + dir.resolve("logs.db");
    String id;
    try (Broker b = Brokers.open(url)) {
      id = new Client(b).enqueue("t", 1).id();
      Lease lease =
          b.lease(new LeaseRequest(List.of("default"), 1, "w", Duration.ofMinutes(1))).get(0);
      b.appendLogs(
          List.of(
              new LogLines(
                  lease.ref(),
                  List.of(new LogLine(AT, "started"), new LogLine(AT.plusSeconds(2), "done")))));
    }

    Result text = CliRun.run("job", id, "--broker", url);
    Result json = CliRun.run("job", id, "--broker", url, "--json");

    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.outLines())
        .endsWith(
            "logs      2030-01-01T00:00:01Z  started", "          2030-01-01T00:00:03Z  done");
    JsonNode logs = Json.defaults().mapper().readTree(json.out()).get("logs");
    assertThat(logs).hasSize(2);
    assertThat(logs.get(1).get("at").asText()).isEqualTo("2030-01-01T00:00:03Z");
    assertThat(logs.get(1).get("line").asText()).isEqualTo("done");
  }
}
