package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The completer alone, on virtual time: its back-offs and its shutdown grace cost no wall time. */
class CompleterTest {
  private final VirtualTime time = new VirtualTime();
  private final FaultyBroker broker = new FaultyBroker(time.clock());
  private final Client client =
      new Client(broker, TaskRegistry.withBuiltins(), Json.defaults(), time.clock());
  private final List<Boolean> applied = new CopyOnWriteArrayList<>();
  private final Map<String, Fate> fates = new ConcurrentHashMap<>();
  private Completer completer;

  @AfterEach
  void stop() throws InterruptedException {
    if (completer != null) {
      completer.stop(Duration.ZERO);
      completer.awaitStopped(Duration.ofSeconds(10));
    }
  }

  private Completer completer(Completer.Recorded recorded) {
    completer =
        new Completer(
            broker,
            time,
            new SplittableRandom(1),
            recorded,
            "test-completer",
            new LogShipper(broker, time.clock()));
    return completer;
  }

  private Completer recordingCompleter() {
    return completer(
        (a, outcome, ok, fate) -> {
          fates.put(a.jobId(), fate);
          applied.add(ok);
        });
  }

  private List<Assignment> lease(int n, JobOptions options) {
    for (int i = 0; i < n; i++) {
      client.enqueue(BuiltinTasks.NOOP, null, options);
    }
    List<Lease> leases =
        broker.lease(new LeaseRequest(WorkerConfig.DEFAULT_QUEUES, n, "w1", Duration.ofMinutes(5)));
    assertThat(leases).hasSize(n);
    return leases.stream().map(l -> new Assignment(l, (a, f, m) -> {}, 0)).toList();
  }

  private List<Assignment> leaseNoops(int n) {
    return lease(n, JobOptions.defaults());
  }

  private JobRecord stored(Assignment a) {
    return broker.get(a.jobId()).orElseThrow();
  }

  @Test
  void aCallbackThatThrowsNeitherAbortsTheBatchNorReportsItsSuccessesAsLost() {
    AtomicBoolean first = new AtomicBoolean(true);
    completer(
        (a, outcome, ok, fate) -> {
          applied.add(ok);
          if (first.getAndSet(false)) {
            throw new IllegalStateException("a listener broke");
          }
        });
    List<Assignment> jobs = leaseNoops(2);
    // both handed in before the completer runs, so they are one batch (a completer already
    // running may write the first alone before the second arrives)
    jobs.forEach(a -> completer.accept(a, new Outcome.Succeeded("null")));
    completer.start();

    await().until(() -> applied.size() >= 2);
    assertThat(applied).containsExactly(true, true);
    assertThat(broker.completeCalls).hasValue(1);
    assertThat(jobs).allSatisfy(a -> assertThat(stored(a).state()).isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void eachFailureGetsItsFateRetriedAtNowPlusBackoffDeadOrCancelled() {
    Backoff backoff = new Backoff(Duration.ofSeconds(7), Duration.ofSeconds(7), 0);
    Assignment retryable = lease(1, JobOptions.defaults().maxAttempts(3).backoff(backoff)).get(0);
    Assignment hopeless = lease(1, JobOptions.defaults().maxAttempts(3)).get(0);
    Assignment lastTry = lease(1, JobOptions.defaults().maxAttempts(1)).get(0);
    Assignment cancelled = leaseNoops(1).get(0);
    recordingCompleter().start();

    JobError boom = JobError.of("boom", "boom");
    completer.accept(retryable, new Outcome.Failed(boom, true));
    completer.accept(hopeless, new Outcome.Failed(boom, false));
    completer.accept(lastTry, new Outcome.Failed(boom, true));
    completer.accept(cancelled, new Outcome.Cancelled("asked to"));

    await().until(() -> fates.size() == 4);
    assertThat(fates)
        .containsEntry(retryable.jobId(), Fate.RETRIED)
        .containsEntry(hopeless.jobId(), Fate.DEAD)
        .containsEntry(lastTry.jobId(), Fate.DEAD)
        .containsEntry(cancelled.jobId(), Fate.CANCELLED);
    assertThat(stored(retryable).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(stored(retryable).runAt()).isEqualTo(time.instant().plusSeconds(7));
    assertThat(stored(hopeless).state()).isEqualTo(JobState.DEAD);
    assertThat(stored(cancelled).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aBatchOfSuccessesAroundFailuresReportsEachAttemptWithItsOwnFateAndAnswer() {
    List<Assignment> jobs = leaseNoops(5);
    broker.release(List.of(jobs.get(3).ref())); // its result comes back stale: not applied
    Map<String, Boolean> answers = new ConcurrentHashMap<>();
    completer(
        (a, outcome, ok, fate) -> {
          fates.put(a.jobId(), fate);
          answers.put(a.jobId(), ok);
        });
    JobError boom = JobError.of("boom", "boom");
    // Handed in before the thread starts: one batch, successes before and after a failure.
    completer.accept(jobs.get(0), new Outcome.Succeeded("null"));
    completer.accept(jobs.get(1), new Outcome.Failed(boom, false));
    completer.accept(jobs.get(2), new Outcome.Succeeded("null"));
    completer.accept(jobs.get(3), new Outcome.Succeeded("null"));
    completer.accept(jobs.get(4), new Outcome.Cancelled("asked to"));
    completer.start();

    await().until(() -> fates.size() == 5);
    assertThat(fates)
        .containsEntry(jobs.get(0).jobId(), Fate.SUCCEEDED)
        .containsEntry(jobs.get(1).jobId(), Fate.DEAD)
        .containsEntry(jobs.get(2).jobId(), Fate.SUCCEEDED)
        .containsEntry(jobs.get(3).jobId(), Fate.SUCCEEDED)
        .containsEntry(jobs.get(4).jobId(), Fate.CANCELLED);
    assertThat(answers)
        .containsEntry(jobs.get(0).jobId(), true)
        .containsEntry(jobs.get(1).jobId(), true)
        .containsEntry(jobs.get(2).jobId(), true)
        .containsEntry(jobs.get(3).jobId(), false)
        .containsEntry(jobs.get(4).jobId(), true);
    assertThat(stored(jobs.get(0)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(stored(jobs.get(1)).state()).isEqualTo(JobState.DEAD);
    assertThat(stored(jobs.get(2)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(stored(jobs.get(3)).state()).isEqualTo(JobState.QUEUED);
    assertThat(stored(jobs.get(4)).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aResultTheBrokerRefusesIsReportedNotApplied() {
    Assignment a = leaseNoops(1).get(0);
    broker.release(List.of(a.ref())); // the lease is gone: the result is stale
    recordingCompleter().start();

    completer.accept(a, new Outcome.Succeeded("null"));

    await().until(() -> applied.size() == 1);
    assertThat(applied).containsExactly(false);
  }

  @Test
  void aBrokerThatFailsIsTriedAgainAfterABackOffThatGrowsOnItsTimer() {
    AtomicBoolean down = new AtomicBoolean(true);
    broker.onComplete =
        () -> {
          if (down.get()) {
            throw new IllegalStateException("the broker is down");
          }
        };
    Assignment a = leaseNoops(1).get(0);
    recordingCompleter().start();
    completer.accept(a, new Outcome.Succeeded("null"));

    // The first try failed; the next waits out the back-off (500 ms) on virtual time.
    await().until(() -> broker.completeCalls.get() == 1 && time.pending() == 1);
    time.advance(Duration.ofMillis(499));
    assertThat(broker.completeCalls).hasValue(1);
    time.advance(Duration.ofMillis(1));
    await().until(() -> broker.completeCalls.get() == 2 && time.pending() == 1);
    // Doubled: one second now.
    time.advance(Duration.ofMillis(999));
    assertThat(broker.completeCalls).hasValue(2);
    down.set(false);
    time.advance(Duration.ofMillis(1));

    await().until(() -> applied.size() == 1);
    assertThat(applied).containsExactly(true);
    assertThat(stored(a).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void onceStoppedItGivesUpOnABrokerThatIsGoneWhenItsGraceHasPassed() throws Exception {
    broker.onComplete =
        () -> {
          throw new IllegalStateException("the broker is gone");
        };
    recordingCompleter();
    List<Assignment> jobs = leaseNoops(1);
    completer.start();
    completer.accept(jobs.get(0), new Outcome.Succeeded("null"));

    completer.stop(Duration.ofSeconds(30));
    // Still trying within the grace, every 50 ms of its time.
    for (int i = 0; i < 3; i++) {
      int before = broker.completeCalls.get();
      await().until(() -> time.pending() == 1);
      time.advance(Duration.ofMillis(50));
      await().until(() -> broker.completeCalls.get() > before);
    }
    assertThat(completer.isStopped()).isFalse();

    await().until(() -> time.pending() == 1);
    time.advance(Duration.ofSeconds(30));
    // Its next try fails past the grace, and it gives up (its last pause may still be waiting).
    await()
        .until(
            () -> {
              time.advance(Duration.ofMillis(50));
              return completer.isStopped();
            });

    assertThat(completer.awaitStopped(Duration.ofSeconds(10))).isTrue();
    assertThat(applied).isEmpty();
  }

  @Test
  void outcomesHandedInFromManyThreadsAreEachWrittenOnceInTheOrderEachThreadHandedThemIn()
      throws InterruptedException {
    List<String> order = new CopyOnWriteArrayList<>();
    completer(
        (a, outcome, ok, fate) -> {
          order.add(a.jobId());
          applied.add(ok);
        });
    List<Assignment> jobs = leaseNoops(600);
    completer.start();

    // Two members hand in the even and the odd jobs at once, as a pool's members do.
    List<Thread> members = new java.util.ArrayList<>();
    for (int m = 0; m < 2; m++) {
      int member = m;
      members.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = member; i < jobs.size(); i += 2) {
                      completer.accept(jobs.get(i), new Outcome.Succeeded("null"));
                    }
                  }));
    }
    for (Thread t : members) {
      t.join();
    }

    await().until(() -> applied.size() >= jobs.size());
    assertThat(applied).hasSize(jobs.size()).containsOnly(true);
    assertThat(order).doesNotHaveDuplicates();
    for (int member = 0; member < 2; member++) {
      List<String> handedIn = new java.util.ArrayList<>();
      for (int i = member; i < jobs.size(); i += 2) {
        handedIn.add(jobs.get(i).jobId());
      }
      assertThat(order.stream().filter(handedIn::contains).toList()).isEqualTo(handedIn);
    }
    assertThat(jobs).allSatisfy(a -> assertThat(stored(a).state()).isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void anIdleCompleterWakesForTheFirstOutcomeAndTellsOncePerBatchThatItRecorded() {
    java.util.concurrent.atomic.AtomicInteger batches =
        new java.util.concurrent.atomic.AtomicInteger();
    completer(
        new Completer.Recorded() {
          @Override
          public void recorded(Assignment a, Outcome outcome, boolean ok, Fate fate) {
            applied.add(ok);
          }

          @Override
          public void batchRecorded(List<Assignment> reported) {
            assertThat(reported).isNotEmpty();
            batches.incrementAndGet();
          }
        });
    List<Assignment> jobs = leaseNoops(3);
    completer.start();
    await().until(() -> completer.isIdle());

    completer.accept(jobs.get(0), new Outcome.Succeeded("null"));

    await().until(() -> applied.size() == 1 && batches.get() == 1);
    await().until(() -> completer.isIdle());
    jobs.subList(1, 3).forEach(a -> completer.accept(a, new Outcome.Succeeded("null")));
    await().until(() -> applied.size() == 3);
    await().until(() -> batches.get() >= 2);
    assertThat(batches.get()).isLessThanOrEqualTo(3);
  }
}
