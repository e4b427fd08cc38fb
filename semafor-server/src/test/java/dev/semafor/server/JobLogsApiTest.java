package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's log lines in {@code GET /api/v1/jobs/{id}} and {@code GET /api/v1/jobs/{id}/logs}. */
class JobLogsApiTest extends ApiFixture {
  private static final Instant AT = Instant.parse("2030-01-01T00:00:01Z");

  @Test
  void theLinesATaskLoggedAreInTheJobViewAndTheirOwnEndpointOldestFirst() {
    startDefault();
    String id = enqueue("{\"task\":\"semafor.noop\"}");
    Lease lease = leaseOne("default");
    broker.appendLogs(
        List.of(
            new LogLines(
                lease.ref(),
                List.of(new LogLine(AT, "first"), new LogLine(AT.plusSeconds(1), "second ✓")))));

    JsonNode view = http.get("/api/v1/jobs/" + id).json();
    JsonNode own = http.get("/api/v1/jobs/" + id + "/logs").json();

    for (JsonNode logs : List.of(view.get("logs"), own.get("logs"))) {
      assertThat(logs).hasSize(2);
      assertThat(logs.get(0).get("at").asText()).isEqualTo("2030-01-01T00:00:01Z");
      assertThat(logs.get(0).get("line").asText()).isEqualTo("first");
      assertThat(logs.get(1).get("line").asText()).isEqualTo("second ✓");
    }
    assertThat(own.get("id").asText()).isEqualTo(id);
  }

  @Test
  void aJobWithoutLinesHasAnEmptyListAndAnUnknownJobIsNotFound() {
    startDefault();
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    assertThat(http.get("/api/v1/jobs/" + id).json().get("logs")).isEmpty();
    assertThat(http.get("/api/v1/jobs/" + id + "/logs").json().get("logs")).isEmpty();
    ApiFixture.assertProblem(http.get("/api/v1/jobs/nope/logs"), 404, "not-found");
  }
}
