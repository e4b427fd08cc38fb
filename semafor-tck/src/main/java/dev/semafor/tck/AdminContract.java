package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.semafor.ExecutionModel;
import dev.semafor.JobError;
import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of the Broker contract: retrying and deleting finished jobs, and the worker
 * registry. Every backend subclasses it and says how to open a fresh, empty broker on a given
 * clock. Kept apart from the main contract suite so the two grow independently.
 */
public abstract class AdminContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String QUEUE = "admin";

  /** The clock every broker under test reads; tests move it by hand. */
  protected final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));

  protected Broker broker;

  /** Opens a new broker with no jobs and no workers, reading time from {@code clock}. */
  protected abstract Broker newBroker(InstantSource clock);

  @BeforeEach
  void openBrokerUnderTest() {
    broker = newBroker(clock);
  }

  @AfterEach
  void closeBrokerUnderTest() {
    broker.close();
  }

  // ---- retry ----

  @Test
  void retryRequeuesDeadJobWithAttemptsResetAndErrorKept() {
    JobRecord dead = deadJob();

    assertThat(broker.retry(dead.id())).isTrue();

    JobRecord job = broker.get(dead.id()).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(job.attempts()).isZero();
    assertThat(job.finishedAt()).isNull();
    assertThat(job.runAt()).isEqualTo(clock.instant());
    assertThat(job.error()).isNotNull();
    assertThat(job.error().message()).isEqualTo("boom");
  }

  @Test
  void retriedJobIsLeasedAndCanSucceed() {
    JobRecord dead = deadJob();
    broker.retry(dead.id());

    List<Lease> leases = lease(1);

    assertThat(leases).extracting(l -> l.job().id()).containsExactly(dead.id());
    assertThat(leases.get(0).job().attempts()).isEqualTo(1);
    broker.complete(new Completion(leases.get(0).ref(), "42"));
    assertThat(broker.get(dead.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void retryRequeuesCancelledJob() {
    JobRecord job = enqueue(1);
    broker.cancel(job.id());

    assertThat(broker.retry(job.id())).isTrue();

    assertThat(broker.get(job.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(lease(5)).extracting(l -> l.job().id()).containsExactly(job.id());
  }

  @Test
  void retryMovesStatsCountsFromDeadToQueued() {
    JobRecord dead = deadJob();
    assertThat(stats().count(JobState.DEAD)).isEqualTo(1);

    broker.retry(dead.id());

    assertThat(stats().count(JobState.DEAD)).isZero();
    assertThat(stats().count(JobState.QUEUED)).isEqualTo(1);
  }

  @Test
  void retryRefusesJobsThatAreNotDeadOrCancelled() {
    JobRecord running = enqueue(3);
    lease(1);
    JobRecord succeeded = enqueue(3);
    broker.complete(new Completion(lease(1).get(0).ref(), null));
    JobRecord queued = enqueue(3);
    JobRecord scheduled = enqueueAt(clock.instant().plusSeconds(60));

    assertThat(broker.retry(running.id())).isFalse();
    assertThat(broker.retry(succeeded.id())).isFalse();
    assertThat(broker.retry(queued.id())).isFalse();
    assertThat(broker.retry(scheduled.id())).isFalse();

    assertThat(broker.get(running.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(broker.get(succeeded.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(broker.get(queued.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(broker.get(scheduled.id()).orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void retryOfUnknownJobReturnsFalse() {
    assertThat(broker.retry("no-such-job")).isFalse();
  }

  // ---- delete ----

  @Test
  void deleteRemovesFinishedJobsAndTheirCounts() {
    JobRecord dead = deadJob();
    JobRecord cancelled = enqueue(1);
    broker.cancel(cancelled.id());
    JobRecord succeeded = enqueue(1);
    broker.complete(new Completion(lease(1).get(0).ref(), "1"));

    assertThat(broker.delete(dead.id())).isTrue();
    assertThat(broker.delete(cancelled.id())).isTrue();
    assertThat(broker.delete(succeeded.id())).isTrue();

    assertThat(broker.get(dead.id())).isEmpty();
    assertThat(broker.get(cancelled.id())).isEmpty();
    assertThat(broker.get(succeeded.id())).isEmpty();
    assertThat(broker.query(JobQuery.all().queue(QUEUE))).isEmpty();
    assertThat(stats().total()).isZero();
  }

  @Test
  void deleteRefusesJobsThatHaveNotFinished() {
    JobRecord running = enqueue(3);
    lease(1);
    JobRecord queued = enqueue(3);
    JobRecord scheduled = enqueueAt(clock.instant().plusSeconds(60));

    assertThat(broker.delete(running.id())).isFalse();
    assertThat(broker.delete(queued.id())).isFalse();
    assertThat(broker.delete(scheduled.id())).isFalse();

    assertThat(broker.get(running.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(broker.get(queued.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(broker.get(scheduled.id()).orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThat(stats().total()).isEqualTo(3);
  }

  @Test
  void deletedCancelledJobIsNeverLeased() {
    JobRecord job = enqueue(3);
    broker.cancel(job.id());
    broker.delete(job.id());

    assertThat(lease(5)).isEmpty();
  }

  @Test
  void deleteOfUnknownJobReturnsFalse() {
    assertThat(broker.delete("no-such-job")).isFalse();
  }

  // ---- worker registry ----

  @Test
  void registeredWorkerIsListedWithBrokerStampedHeartbeat() {
    WorkerInfo info = worker("w-1", clock.instant().minusSeconds(500));

    broker.registerWorker(info);

    assertThat(broker.workers())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.id()).isEqualTo("w-1");
              assertThat(w.host()).isEqualTo("box");
              assertThat(w.pid()).isEqualTo(4242);
              assertThat(w.model()).isEqualTo(ExecutionModel.VIRTUAL);
              assertThat(w.concurrency()).isEqualTo(8);
              assertThat(w.queues()).containsExactly("a", "b");
              assertThat(w.startedAt()).isEqualTo(info.startedAt());
              assertThat(w.lastHeartbeat()).isEqualTo(clock.instant());
            });
  }

  @Test
  void registeringSameIdAgainReplacesTheEntry() {
    broker.registerWorker(worker("w-1", clock.instant()));
    clock.advance(Duration.ofSeconds(5));
    WorkerInfo again =
        new WorkerInfo(
            "w-1", "other", 7, ExecutionModel.THREADS, 2, List.of("c"), 0, clock.instant(), null);

    broker.registerWorker(again);

    assertThat(broker.workers())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.host()).isEqualTo("other");
              assertThat(w.model()).isEqualTo(ExecutionModel.THREADS);
            });
  }

  @Test
  void heartbeatUpdatesInFlightAndTime() {
    broker.registerWorker(worker("w-1", clock.instant()));
    clock.advance(Duration.ofSeconds(10));

    broker.heartbeatWorker("w-1", 3);

    WorkerInfo w = broker.workers().get(0);
    assertThat(w.inFlight()).isEqualTo(3);
    assertThat(w.lastHeartbeat()).isEqualTo(clock.instant());
    assertThat(w.isGone(clock.instant(), WorkerInfo.DEFAULT_GONE_AFTER)).isFalse();
  }

  @Test
  void workerThatStopsHeartbeatingIsGone() {
    broker.registerWorker(worker("w-1", clock.instant()));
    broker.registerWorker(worker("w-2", clock.instant()));
    clock.advance(WorkerInfo.DEFAULT_GONE_AFTER);
    broker.heartbeatWorker("w-2", 0);
    clock.advance(Duration.ofSeconds(1));

    Instant now = clock.instant();
    assertThat(broker.workers())
        .extracting(WorkerInfo::id, w -> w.isGone(now, WorkerInfo.DEFAULT_GONE_AFTER))
        .containsExactly(tuple("w-1", true), tuple("w-2", false));
  }

  @Test
  void heartbeatOfUnknownWorkerIsIgnored() {
    broker.heartbeatWorker("ghost", 1);

    assertThat(broker.workers()).isEmpty();
  }

  @Test
  void unregisteredWorkerIsNoLongerListed() {
    broker.registerWorker(worker("w-2", clock.instant()));
    broker.registerWorker(worker("w-1", clock.instant()));

    broker.unregisterWorker("w-2");
    broker.unregisterWorker("ghost");

    assertThat(broker.workers()).extracting(WorkerInfo::id).containsExactly("w-1");
  }

  @Test
  void workersAreSortedById() {
    for (String id : List.of("w-c", "w-a", "w-b")) {
      broker.registerWorker(worker(id, clock.instant()));
    }

    assertThat(broker.workers()).extracting(WorkerInfo::id).containsExactly("w-a", "w-b", "w-c");
  }

  // ---- helpers ----

  private JobRecord enqueue(int maxAttempts) {
    return enqueueAt(clock.instant(), maxAttempts);
  }

  private JobRecord enqueueAt(Instant runAt) {
    return enqueueAt(runAt, 3);
  }

  private JobRecord enqueueAt(Instant runAt, int maxAttempts) {
    Instant now = clock.instant();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task("admin.task")
            .queue(QUEUE)
            .state(runAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED)
            .input("{\"n\":1}")
            .maxAttempts(maxAttempts)
            .runAt(runAt)
            .enqueuedAt(now)
            .build();
    return broker.enqueue(List.of(job)).get(0);
  }

  /** A job that failed its only attempt and is now DEAD with error "boom". */
  private JobRecord deadJob() {
    JobRecord job = enqueue(1);
    Lease lease = lease(1).get(0);
    broker.fail(Failure.dead(lease.ref(), JobError.of("test.Boom", "boom")));
    assertThat(broker.get(job.id()).orElseThrow().state()).isEqualTo(JobState.DEAD);
    return job;
  }

  private List<Lease> lease(int max) {
    return broker.lease(new LeaseRequest(List.of(QUEUE), max, "tck-worker", LEASE));
  }

  private QueueStats stats() {
    return broker.stats().stream()
        .filter(s -> s.queue().equals(QUEUE))
        .findFirst()
        .orElseGet(() -> new QueueStats(QUEUE, Map.of()));
  }

  private static WorkerInfo worker(String id, Instant startedAt) {
    return new WorkerInfo(
        id, "box", 4242, ExecutionModel.VIRTUAL, 8, List.of("a", "b"), 0, startedAt, null);
  }
}
