package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.Client.RawJson;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.PrimesInput;
import dev.semafor.task.BuiltinTasks.PrimesResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private final InstantSource clock = InstantSource.fixed(NOW);
  private final MemoryBroker broker = new MemoryBroker(clock);
  private final Client checked =
      new Client(broker, TaskRegistry.withBuiltins(), Json.defaults(), clock);

  @AfterEach
  void close() {
    broker.close();
  }

  @Test
  void enqueueStoresAQueuedJobCarryingTheOptionsAndTheJsonInput() {
    JobOptions options =
        JobOptions.defaults()
            .queue("math")
            .priority(4)
            .maxAttempts(6)
            .backoff(Backoff.none())
            .timeout(Duration.ofSeconds(9));

    JobHandle handle = checked.enqueue(BuiltinTasks.PRIMES, new PrimesInput(97), options);

    JobRecord job = handle.snapshot();
    assertThat(handle.id()).hasSize(26).isEqualTo(job.id());
    assertThat(job.task()).isEqualTo(BuiltinTasks.PRIMES);
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.input()).isEqualTo("{\"n\":97}");
    assertThat(job.queue()).isEqualTo("math");
    assertThat(job.priority()).isEqualTo(4);
    assertThat(job.maxAttempts()).isEqualTo(6);
    assertThat(job.backoff()).isEqualTo(Backoff.none());
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(job.enqueuedAt()).isEqualTo(NOW);
    assertThat(job.runAt()).isEqualTo(NOW);
    assertThat(job.attempts()).isZero();
  }

  @Test
  void aDelayedJobIsScheduledForNowPlusTheDelay() {
    JobHandle handle =
        checked.enqueue(
            BuiltinTasks.NOOP, null, JobOptions.defaults().delay(Duration.ofMinutes(5)));

    assertThat(handle.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(handle.snapshot().runAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
  }

  @Test
  void aRunAtInThePastQueuesTheJobAtOnce() {
    JobHandle handle =
        checked.enqueue(BuiltinTasks.NOOP, null, JobOptions.defaults().runAt(NOW.minusSeconds(1)));

    assertThat(handle.state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void anUnknownTaskIsRefusedWithTheKnownNamesAndNothingIsStored() {
    assertThatThrownBy(() -> checked.enqueue("semafor.nope", Map.of()))
        .isInstanceOf(UnknownTaskException.class)
        .hasMessageContaining("unknown task 'semafor.nope'")
        .hasMessageContaining(BuiltinTasks.PRIMES);

    assertThat(broker.query(JobQuery.all())).isEmpty();
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void aPayloadThatDoesNotBindIsRefusedAndNothingIsStored() {
    assertThatThrownBy(() -> checked.enqueue(BuiltinTasks.PRIMES, Map.of("n", "many")))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("PrimesInput");
    assertThatThrownBy(() -> checked.enqueue(BuiltinTasks.PRIMES, new RawJson("{\"n\":")))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON");

    assertThat(broker.query(JobQuery.all())).isEmpty();
  }

  @Test
  void aBatchWithOneBadRequestStoresNoneOfIt() {
    List<JobRequest> batch =
        List.of(
            new JobRequest(BuiltinTasks.PRIMES, new PrimesInput(7), null),
            new JobRequest(BuiltinTasks.SLEEP, Map.of("ms", -5), null));

    assertThatThrownBy(() -> checked.enqueueAll(batch)).isInstanceOf(PayloadException.class);

    assertThat(broker.query(JobQuery.all())).isEmpty();
  }

  @Test
  void rawJsonIsStoredCompactly() {
    JobHandle handle = checked.enqueue(BuiltinTasks.ECHO, new RawJson("{ \"a\" : [1, 2] }"));

    assertThat(handle.snapshot().input()).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void aClientWithoutARegistryAcceptsTasksOnlyItsWorkersKnow() {
    Client open = new Client(broker, null, Json.defaults(), clock);

    JobHandle handle = open.enqueue("reports.render", Map.of("id", 42));

    assertThat(handle.snapshot().task()).isEqualTo("reports.render");
  }

  @Test
  void aBlankTaskNameIsRefused() {
    Client open = new Client(broker, null, Json.defaults(), clock);

    assertThatThrownBy(() -> open.enqueue(" ", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task name must not be blank");
  }

  @Test
  void theHandleGivesTheResultOnceTheJobSucceeded() throws Exception {
    JobHandle handle = checked.enqueue(BuiltinTasks.PRIMES, new PrimesInput(97));
    Lease lease =
        broker.lease(new LeaseRequest(List.of("default"), 1, "w", Duration.ofSeconds(30))).get(0);
    assertThatThrownBy(() -> handle.result(PrimesResult.class))
        .isInstanceOf(SemaforException.class)
        .hasMessageContaining("it is RUNNING");

    broker.complete(new Completion(lease.ref(), "{\"n\":97,\"prime\":true}"));

    assertThat(handle.await(Duration.ofSeconds(5)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(handle.result(PrimesResult.class)).isEqualTo(new PrimesResult(97, true));
  }

  @Test
  void awaitGivesUpAfterItsTimeoutOnAJobThatDoesNotFinish() {
    JobHandle handle = checked.enqueue(BuiltinTasks.NOOP, null);

    assertThatThrownBy(() -> handle.await(Duration.ofMillis(20)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("still queued");
  }
}
