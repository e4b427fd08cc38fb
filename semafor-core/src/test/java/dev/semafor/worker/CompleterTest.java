package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.TestClock;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRequest;
import dev.semafor.client.Client;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompleterTest {
  private final FaultyBroker broker = new FaultyBroker();
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Boolean> applied = new CopyOnWriteArrayList<>();
  private Completer completer;

  @AfterEach
  void stop() throws InterruptedException {
    if (completer != null) {
      completer.stop(Duration.ZERO);
      completer.awaitStopped(Duration.ofSeconds(10));
    }
  }

  private List<Assignment> leaseNoops(int n) {
    Client client = new Client(broker, TaskRegistry.withBuiltins());
    for (int i = 0; i < n; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
    List<Lease> leases =
        broker.lease(
            new LeaseRequest(
                WorkerConfig.builder().build().queues(), n, "w1", Duration.ofMinutes(5)));
    assertThat(leases).hasSize(n);
    return leases.stream().map(l -> new Assignment(l, (a, f, m) -> {}, 0)).toList();
  }

  @Test
  void aCallbackThatThrowsNeitherAbortsTheBatchNorReportsItsSuccessesAsLost() {
    AtomicBoolean first = new AtomicBoolean(true);
    completer =
        new Completer(
            broker,
            clock,
            new SplittableRandom(1),
            (a, outcome, ok, fate) -> {
              applied.add(ok);
              if (first.getAndSet(false)) {
                throw new IllegalStateException("a listener broke");
              }
            },
            "test-completer");
    List<Assignment> jobs = leaseNoops(2);
    completer.start();

    jobs.forEach(a -> completer.accept(a, new Outcome.Succeeded("null")));

    await().until(() -> applied.size() >= 2);
    assertThat(applied).containsExactly(true, true);
    assertThat(broker.completeCalls).hasValue(1);
    assertThat(jobs)
        .allSatisfy(
            a ->
                assertThat(broker.get(a.jobId()).orElseThrow().state())
                    .isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void onceStoppedItGivesUpOnABrokerThatIsGoneWhenItsGraceHasPassed() throws Exception {
    broker.onComplete =
        () -> {
          throw new IllegalStateException("the broker is gone");
        };
    completer =
        new Completer(
            broker, clock, new SplittableRandom(1), (a, o, ok, f) -> applied.add(ok), "test");
    List<Assignment> jobs = leaseNoops(1);
    completer.start();
    completer.accept(jobs.get(0), new Outcome.Succeeded("null"));

    completer.stop(Duration.ofSeconds(30));
    int before = broker.completeCalls.get();
    await().until(() -> broker.completeCalls.get() > before + 1); // still trying within the grace
    assertThat(completer.isStopped()).isFalse();

    clock.advance(Duration.ofSeconds(30));

    assertThat(completer.awaitStopped(Duration.ofSeconds(10))).isTrue();
    assertThat(applied).isEmpty();
  }
}
