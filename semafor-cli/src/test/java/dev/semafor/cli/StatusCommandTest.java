package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
  @Test
  void emptyBrokerSaysSo() {
    Result r = CliRun.run("status", "--broker", "memory:");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("no jobs in memory:\n");
  }

  @Test
  void jsonOfAnEmptyBrokerHasZeroTotals() throws Exception {
    Result r = CliRun.run("status", "--broker", "memory:", "--json");
    assertThat(r.code()).isZero();
    assertThat(r.outLines()).hasSize(1);
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("queues").isArray()).isTrue();
    assertThat(json.get("queues")).isEmpty();
    assertThat(json.at("/totals/total").asLong()).isZero();
    assertThat(json.at("/totals/counts").size()).as("six states and leased").isEqualTo(7);
  }

  @Test
  void leasedJobsAreCountedApartFromRunningOnesAndJobsNoLiveWorkerCanRunAreListed(@TempDir Path dir)
      throws Exception {
    String url = "sqlite:" + dir.resolve("status.db");
    try (Broker b = Brokers.open(url)) {
      Client client = new Client(b);
      client.enqueue("t.a", 1);
      client.enqueue("t.a", 2);
      client.enqueue("t.b", 3);
      List<Lease> leases =
          b.lease(
              new LeaseRequest(List.of("default"), 5, "w1", Duration.ofMinutes(5), Set.of("t.a")));
      assertThat(leases).hasSize(2);
      b.markStarted(List.of(leases.get(0).ref()));
      b.registerWorker(
          new WorkerInfo(
              "w1",
              "box",
              1,
              ExecutionModel.THREADS,
              1,
              List.of("default"),
              2,
              Instant.now(),
              null,
              List.of("t.a")));
    }

    Result r = CliRun.run("status", "--broker", url, "--json");
    assertThat(r.code()).isZero();
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.at("/queues/0/counts/running").asLong()).isEqualTo(1);
    assertThat(json.at("/queues/0/counts/leased").asLong()).isEqualTo(1);
    assertThat(json.at("/queues/0/counts/queued").asLong()).isEqualTo(1);
    assertThat(json.at("/running/count").asLong()).isEqualTo(1);
    assertThat(json.at("/running/leased").asLong()).isEqualTo(1);
    assertThat(json.at("/unserved/0/task").asText()).isEqualTo("t.b");
    assertThat(json.at("/unserved/0/queued").asLong()).isEqualTo(1);
    assertThat(json.at("/unserved").size()).isEqualTo(1);

    Result table = CliRun.run("status", "--broker", url);
    assertThat(table.code()).isZero();
    assertThat(table.outLines().get(0)).contains("LEASED", "RUNNING");
    assertThat(table.out())
        .contains("running: 1 job, 0 reporting progress; 1 leased, waiting to start")
        .contains("waiting for a task no live worker has:");
    assertThat(table.outLines()).anyMatch(l -> l.startsWith("default") && l.contains("t.b"));
  }
}
