package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heartbeater alone, on virtual time: nothing here waits for a real interval. */
class HeartbeaterTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration BEAT = Duration.ofSeconds(10);
  private static final Duration CHECK_IN = Duration.ofSeconds(1);

  private final VirtualTime time = new VirtualTime();
  private final FaultyBroker broker = new FaultyBroker(time.clock());
  private final HeldLeases held = new HeldLeases();
  private final Map<String, LeaseStatus> problems = new ConcurrentHashMap<>();
  private final List<Integer> reaped = new CopyOnWriteArrayList<>();
  private Heartbeater heartbeater;

  @AfterEach
  void stop() {
    if (heartbeater != null) {
      heartbeater.stop();
    }
  }

  private Heartbeater heartbeater(WorkerConfig config) {
    heartbeater =
        new Heartbeater(
            broker,
            config,
            held,
            new Heartbeater.Listener() {
              @Override
              public void leaseProblem(Assignment a, LeaseStatus status) {
                problems.put(a.jobId(), status);
              }

              @Override
              public void reaped(int count) {
                reaped.add(count);
              }
            },
            new LogShipper(broker, time.clock()),
            time);
    return heartbeater;
  }

  private static WorkerConfig.Builder config() {
    return WorkerConfig.builder()
        .workerId("w1")
        .leaseDuration(LEASE)
        .heartbeatInterval(BEAT)
        .progressInterval(CHECK_IN);
  }

  /** Leases {@code n} noop jobs for w1 and holds them, stamped as the fetcher would. */
  private List<Assignment> hold(int n, String worker) {
    Client client = new Client(broker, TaskRegistry.withBuiltins(), Json.defaults(), time.clock());
    for (int i = 0; i < n; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
    long sent = time.millis();
    List<Lease> leases =
        broker.lease(new LeaseRequest(WorkerConfig.DEFAULT_QUEUES, n, worker, LEASE));
    assertThat(leases).hasSize(n);
    List<Assignment> out =
        leases.stream().map(l -> new Assignment(l, (a, f, m) -> {}, time.nanoTime())).toList();
    for (Assignment a : out) {
      a.leased(sent, sent + LEASE.toMillis());
      if (worker.equals("w1")) {
        held.add(a);
      }
    }
    return out;
  }

  @Test
  void beatsOncePerIntervalAndMovesTheLeasesOnAsTheBrokerAcceptsThem() {
    Assignment a = hold(1, "w1").get(0);
    heartbeater(config().build()).start();

    time.advance(BEAT.minusMillis(1));
    assertThat(broker.heartbeats).hasValue(0);
    time.advance(Duration.ofMillis(1));
    assertThat(broker.heartbeats).hasValue(1);

    // Without the beats the lease would have expired by now; with them it holds.
    time.advance(LEASE);
    assertThat(broker.heartbeats).hasValue(4);
    assertThat(a.leaseExpired(time.millis())).isFalse();
    assertThat(problems).isEmpty();
  }

  @Test
  void aLeaseTheBrokerNoLongerHoldsIsReportedLostAndNotMovedOn() {
    Assignment a = hold(1, "w1").get(0);
    broker.release(List.of(a.ref())); // the broker no longer has it leased to w1
    heartbeater(config().build()).start();

    time.advance(BEAT);

    assertThat(problems).containsEntry(a.jobId(), LeaseStatus.LOST);
    time.advance(LEASE.minus(BEAT));
    assertThat(a.leaseExpired(time.millis())).isTrue();
  }

  @Test
  void aCancellationReachesItsJobWithinTheCheckInIntervalNotAtTheNextBeat() {
    Assignment a = hold(1, "w1").get(0);
    heartbeater(config().build()).start();
    broker.cancel(a.jobId());

    time.advance(CHECK_IN);

    assertThat(problems).containsEntry(a.jobId(), LeaseStatus.CANCEL_REQUESTED);
    assertThat(broker.heartbeats).hasValue(0);
  }

  @Test
  void onlyTheLatestProgressOfAnIntervalIsWritten() {
    Assignment a = hold(1, "w1").get(0);
    heartbeater(config().build()).start();
    heartbeater.progress(a, 0.25, "a quarter");
    heartbeater.progress(a, 0.5, "half");

    time.advance(CHECK_IN);

    var job = broker.get(a.jobId()).orElseThrow();
    assertThat(job.progress()).isEqualTo(0.5);
    assertThat(job.progressMessage()).isEqualTo("half");
  }

  @Test
  void leasesOtherWorkersLeftToExpireAreReapedAtABeat() {
    hold(2, "gone"); // a worker that died holding two jobs
    heartbeater(config().build()).start();

    time.advance(LEASE.plus(BEAT));

    assertThat(reaped).containsExactly(2);
  }

  @Test
  void aStoppedHeartbeaterBeatsNoMore() {
    hold(1, "w1");
    heartbeater(config().build()).start();
    time.advance(BEAT);
    heartbeater.stop();

    time.advance(BEAT.multipliedBy(3));

    assertThat(broker.heartbeats).hasValue(1);
    assertThat(time.pending()).isZero();
  }

  @Test
  void aSlowPruneDoesNotHoldUpTheHeartbeat() throws Exception {
    hold(1, "w1");
    CountDownLatch inPrune = new CountDownLatch(1);
    CountDownLatch releasePrune = new CountDownLatch(1);
    broker.onPrune =
        () -> {
          inPrune.countDown();
          releasePrune.await();
        };
    heartbeater(config().retention(Duration.ofDays(1)).build());
    try {
      CompletableFuture.runAsync(heartbeater::beat).get(10, TimeUnit.SECONDS);
      assertThat(inPrune.await(10, TimeUnit.SECONDS)).as("a prune started").isTrue();

      // The prune still runs; the next heartbeat extends the lease all the same.
      CompletableFuture.runAsync(heartbeater::beat).get(10, TimeUnit.SECONDS);
      assertThat(broker.heartbeats).hasValue(2);
    } finally {
      releasePrune.countDown();
    }
  }
}
