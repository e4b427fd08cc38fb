package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.BrokerFatalException;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.spi.Lease;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fetcher alone: a broker, an inbox nobody takes from unless the test does, and a host that
 * records what it is told. Back-offs and lease expiries run on virtual time.
 */
class FetcherTest {
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration LEASE = Duration.ofMinutes(1);

  private final VirtualTime time = new VirtualTime();
  private final FaultyBroker broker = new FaultyBroker(time.clock());
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client = new Client(broker, registry, Json.defaults(), time.clock());
  private final HeldLeases held = new HeldLeases();
  private final Inbox inbox = new Inbox(a -> {});
  private final RecordingHost host = new RecordingHost();
  private Fetcher fetcher;

  /** Records what the fetcher tells its worker; hands back as the worker does. */
  private final class RecordingHost implements Fetcher.Host {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger leased = new AtomicInteger();
    final List<String> handBacks = new CopyOnWriteArrayList<>();
    final AtomicBoolean drained = new AtomicBoolean();
    final AtomicReference<RuntimeException> failed = new AtomicReference<>();

    @Override
    public boolean isRunning() {
      return running.get();
    }

    @Override
    public void leased(List<Lease> leases) {
      leased.addAndGet(leases.size());
    }

    @Override
    public void handBack(List<Assignment> assignments, String why) {
      broker.release(held.removeAll(assignments));
      handBacks.add(assignments.size() + " " + why);
    }

    @Override
    public void drained() {
      drained.set(true);
    }

    @Override
    public void failed(RuntimeException cause) {
      failed.set(cause);
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    host.running.set(false);
    if (fetcher != null) {
      fetcher.stop();
    }
  }

  private Fetcher start(WorkerConfig.Builder config) {
    fetcher =
        new Fetcher(
            broker,
            config.pollInterval(POLL).leaseDuration(LEASE).workerId("w1").build(),
            registry,
            inbox,
            held,
            (a, f, m) -> {},
            host,
            time);
    fetcher.start();
    return fetcher;
  }

  private void enqueueNoops(int n) {
    for (int i = 0; i < n; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
  }

  @Test
  void itLeasesForEveryMemberPlusThePrefetchAndNoMore() {
    enqueueNoops(20);

    start(WorkerConfig.builder().concurrency(2).prefetch(3));

    await().until(() -> inbox.size() == 5);
    assertThat(held.size()).isEqualTo(5);
    assertThat(host.leased).hasValue(5);
    assertThat(broker.stats().get(0).counts().get(JobState.QUEUED)).isEqualTo(15L);
  }

  @Test
  void whenMembersTakeJobsItRefillsWhatWasTaken() throws Exception {
    enqueueNoops(20);
    start(WorkerConfig.builder().concurrency(1).prefetch(1));
    await().until(() -> inbox.size() == 2);

    // A member takes both and they finish: the worker drops them and wakes the fetcher.
    for (int i = 0; i < 2; i++) {
      held.remove(inbox.take());
    }
    fetcher.wake();

    await().until(() -> inbox.size() == 2);
    assertThat(host.leased).hasValue(4);
  }

  @Test
  void thePrefetchHoldsWhatTheMembersRunInTheWaitTargetUpToItsCap() {
    enqueueNoops(3_000);
    start(WorkerConfig.builder().concurrency(64));
    await().until(() -> inbox.size() == 68); // the members and the floor, min(64, 4)

    // Jobs of 10 µs: 64 members would run 128,000 in the 20 ms target; the cap holds it to 1,024,
    // leased as two full batches of 512 (a refill waits until half the prefetch is free).
    runEverythingWaiting(Duration.ofNanos(10_000));
    // A batch is held before it reaches the inbox: wait for both, so that the next step takes all.
    await().until(() -> held.size() == 1_024 && inbox.size() == 1_024);
    assertThat(WorkerConfig.DEFAULT_MAX_PREFETCH).isEqualTo(1_024);

    // Jobs of 5 ms: 64 members run 256 in 20 ms, so it holds the members' 64 and those 256.
    runEverythingWaiting(Duration.ofMillis(5));
    await().until(() -> held.size() == 320 && inbox.size() == 320);
  }

  /** Takes every job from the inbox as members would, each run for {@code ran}, and records it. */
  private void runEverythingWaiting(Duration ran) {
    List<Assignment> taken = new ArrayList<>();
    inbox.drainTo(taken);
    for (Assignment a : taken) {
      a.ranNanos(ran.toNanos());
    }
    fetcher.ran(taken); // the mean first, as the completer records a batch
    held.removeEach(taken);
    fetcher.wake();
  }

  @Test
  void aFailingBrokerIsTriedAgainAfterABackOffOnItsTimer() {
    AtomicBoolean down = new AtomicBoolean(true);
    broker.onLease =
        () -> {
          if (down.get()) {
            throw new BrokerUnavailableException("down for a moment");
          }
        };
    enqueueNoops(1);
    start(WorkerConfig.builder().concurrency(1));

    await().until(() -> broker.leaseCalls.get() == 1 && time.pending() == 1);
    time.advance(POLL.minusMillis(1));
    assertThat(broker.leaseCalls).hasValue(1);
    down.set(false);
    time.advance(Duration.ofMillis(1));

    await().until(() -> inbox.size() == 1);
    assertThat(host.failed).hasNullValue();
  }

  @Test
  void aBrokerThatCannotBeUsedAnyMoreFailsTheWorker() {
    BrokerFatalException corrupt = new BrokerFatalException("the database file was replaced");
    broker.onLease =
        () -> {
          throw corrupt;
        };
    start(WorkerConfig.builder());

    await().until(() -> host.failed.get() != null);
    assertThat(host.failed.get()).isSameAs(corrupt);
    assertThat(broker.leaseCalls).hasValue(1);
  }

  @Test
  void inBurstModeAnUnavailableBrokerFailsTheWorkerAtOnce() {
    broker.onLease =
        () -> {
          throw new BrokerUnavailableException("refused");
        };
    start(WorkerConfig.builder().burst(true));

    await().until(() -> host.failed.get() != null);
    assertThat(time.pending()).isZero(); // no back-off: it stopped
  }

  @Test
  void inBurstModeEmptyQueuesWithNothingHeldStopTheWorker() {
    start(WorkerConfig.builder().burst(true));

    await().until(host.drained::get);
    assertThat(host.failed).hasNullValue();
  }

  @Test
  void jobsWhoseLeaseExpiredWhileTheyWaitedInTheInboxAreHandedBack() {
    enqueueNoops(2);
    start(WorkerConfig.builder().concurrency(1).prefetch(1));
    await().until(() -> inbox.size() == 2);

    time.advance(LEASE); // say the process was stopped: no member took them in time

    await().until(() -> !host.handBacks.isEmpty());
    assertThat(host.handBacks.get(0)).isEqualTo("2 " + Fetcher.EXPIRED_BEFORE_START);
  }

  @Test
  void itTellsTheBrokerWhichJobsStartedOncePerPollInterval() throws Exception {
    enqueueNoops(1);
    start(WorkerConfig.builder().concurrency(1).prefetch(0));
    await().until(() -> inbox.size() == 1);
    Assignment a = inbox.take();
    a.markStarted();

    time.advance(POLL);

    await().until(a::startReported);
  }
}
