package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientJobControlTest {
  private final MemoryBroker broker = new MemoryBroker();

  @Test
  void aRejectedDuplicateReturnsAHandleToTheExistingJob() {
    Client client = new Client(broker);
    JobHandle first = client.enqueue("t", 1, JobOptions.defaults().uniqueKey("report-7"));
    JobHandle second = client.enqueue("t", 2, JobOptions.defaults().uniqueKey("report-7"));

    assertThat(first.existing()).isFalse();
    assertThat(second.existing()).isTrue();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.snapshot().input()).isEqualTo("1");
  }

  @Test
  void aReplacingDuplicateIsANewJob() {
    Client client = new Client(broker);
    JobHandle first = client.enqueue("t", 1, JobOptions.defaults().uniqueKey("k"));
    JobHandle second =
        client.enqueue("t", 2, JobOptions.defaults().unique("k", UniquePolicy.REPLACE));

    assertThat(second.existing()).isFalse();
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(first.state()).isEqualTo(JobState.CANCELLED);
    assertThat(first.snapshot().error().message()).contains("replaced by job " + second.id());
  }

  @Test
  void aClientWithTheRegistryGivesJobsTheirTasksDefaults() {
    TaskRegistry registry = new TaskRegistry();
    registry.register(
        "reports.render",
        Object.class,
        (in, ctx) -> null,
        TaskOptions.defaults().timeout(Duration.ofMinutes(5)).concurrencyLimit(2));
    Client client = new Client(broker, registry);

    JobRecord r = client.enqueue("reports.render", Map.of()).snapshot();
    assertThat(r.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.concurrencyKey()).isEqualTo("reports.render");
    assertThat(r.concurrencyLimit()).isEqualTo(2);

    JobRecord own =
        client
            .enqueue("reports.render", Map.of(), JobOptions.defaults().concurrency("tenant", 1))
            .snapshot();
    assertThat(own.concurrencyKey()).isEqualTo("tenant");
  }

  @Test
  void rateLimitsReachTheStoredRecord() {
    JobRecord r =
        new Client(broker)
            .enqueue("t", 1, JobOptions.defaults().rateLimit("api", 5, Duration.ofSeconds(2)))
            .snapshot();
    assertThat(r.rateKey()).isEqualTo("api");
    assertThat(r.ratePermits()).isEqualTo(5);
    assertThat(r.ratePeriod()).isEqualTo(Duration.ofSeconds(2));
  }
}
