package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caller-runs writes and leases on an in-process broker ({@link dev.semafor.spi.Broker#inProcess}):
 * the thread that ends a job writes the gathered outcomes ({@link Completer#writeHere}) and leases
 * the next batch ({@link Fetcher#fillHere}) itself. Each test calls them on its own thread, with
 * the completer's thread not started or the fetcher's thread parked for want of room, so which
 * thread made a broker call is known.
 */
class CallerRunsTest {
  private static final int GATHER = 64;

  private final VirtualTime time = new VirtualTime();
  private final FaultyBroker broker = new FaultyBroker(time.clock());
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client = new Client(broker, registry, Json.defaults(), time.clock());
  private final List<String> recordedOn = new CopyOnWriteArrayList<>();
  private final List<String> leasedOn = new CopyOnWriteArrayList<>();
  private Completer completer;
  private Fetcher fetcher;
  private final AtomicBoolean running = new AtomicBoolean(true);

  @AfterEach
  void stop() throws InterruptedException {
    running.set(false);
    if (completer != null) {
      completer.stop(Duration.ZERO);
      completer.awaitStopped(Duration.ofSeconds(10));
    }
    if (fetcher != null) {
      fetcher.stop();
    }
  }

  private Completer completer() {
    completer =
        new Completer(
            broker,
            time,
            new SplittableRandom(1),
            (a, outcome, ok, fate) -> {
              if (ok && fate == Fate.SUCCEEDED) {
                recordedOn.add(Thread.currentThread().getName());
              }
            },
            "test-completer",
            new LogShipper(broker, time.clock()));
    return completer;
  }

  private List<Assignment> leaseNoops(int n) {
    for (int i = 0; i < n; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
    List<Lease> leases =
        broker.lease(new LeaseRequest(WorkerConfig.DEFAULT_QUEUES, n, "w1", Duration.ofMinutes(5)));
    assertThat(leases).hasSize(n);
    return leases.stream().map(l -> new Assignment(l, (a, f, m) -> {}, 0)).toList();
  }

  private void handIn(Completer c, List<Assignment> jobs) {
    for (Assignment a : jobs) {
      c.accept(a, new Outcome.Succeeded("null"));
    }
  }

  @Test
  void aMemberWritesOnItsOwnThreadOnceAGatherOfOutcomesWaits() {
    broker.inProcess = true;
    List<Assignment> jobs = leaseNoops(GATHER);
    Completer c = completer(); // its thread is not started: only this one writes

    handIn(c, jobs.subList(0, GATHER - 1));
    c.writeHere();
    assertThat(broker.completeCalls).as("fewer than a gather: left for later").hasValue(0);

    handIn(c, jobs.subList(GATHER - 1, GATHER));
    c.writeHere();

    assertThat(broker.completeCalls).hasValue(1);
    assertThat(recordedOn).hasSize(GATHER).containsOnly(Thread.currentThread().getName());
    assertThat(jobs)
        .allSatisfy(
            a ->
                assertThat(broker.get(a.jobId()).orElseThrow().state())
                    .isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void onABrokerThatIsNotInProcessTheCompletersThreadWrites() {
    List<Assignment> jobs = leaseNoops(GATHER);
    Completer c = completer();
    handIn(c, jobs);

    c.writeHere();
    assertThat(broker.completeCalls).hasValue(0);

    c.start();
    await().until(() -> recordedOn.size() == GATHER);
    assertThat(recordedOn).containsOnly("test-completer");
  }

  @Test
  void aMembersFailedWriteIsLeftToTheCompletersThreadWhichWritesEachOutcomeOnce() {
    broker.inProcess = true;
    List<Assignment> jobs = leaseNoops(GATHER);
    Completer c = completer();
    AtomicBoolean fail = new AtomicBoolean(true);
    broker.onComplete =
        () -> {
          if (fail.getAndSet(false)) {
            throw new dev.semafor.BrokerUnavailableException("disk full");
          }
        };
    handIn(c, jobs);

    c.writeHere(); // fails: nothing recorded, nothing lost
    assertThat(broker.completeCalls).hasValue(1);
    assertThat(recordedOn).isEmpty();

    handIn(c, leaseNoops(GATHER));
    c.writeHere();
    assertThat(broker.completeCalls)
        .as("after a failure members leave the writes to the completer's thread")
        .hasValue(1);

    c.start();
    await().until(() -> recordedOn.size() == 2 * GATHER);
    assertThat(recordedOn).containsOnly("test-completer");
    assertThat(jobs)
        .allSatisfy(
            a ->
                assertThat(broker.get(a.jobId()).orElseThrow().state())
                    .isEqualTo(JobState.SUCCEEDED));
  }

  /** A fetcher of one member with room for 201 jobs; its thread leases the first batch. */
  private Fetcher startFetcher(HeldLeases held, Inbox inbox) {
    fetcher =
        new Fetcher(
            broker,
            WorkerConfig.builder()
                .concurrency(1)
                .prefetch(200)
                .maxPrefetch(200)
                .pollInterval(Duration.ofHours(1)) // it waits for room until woken
                .leaseDuration(Duration.ofMinutes(5))
                .workerId("w1")
                .build(),
            registry,
            inbox,
            held,
            (a, f, m) -> {},
            new Fetcher.Host() {
              @Override
              public boolean isRunning() {
                return running.get();
              }

              @Override
              public void handBack(List<Assignment> assignments, String why) {
                broker.release(held.removeAll(assignments));
              }

              @Override
              public void drained() {}

              @Override
              public void failed(RuntimeException cause) {}
            },
            time);
    fetcher.start();
    return fetcher;
  }

  /** Takes {@code n} jobs out of the inbox as if they ran and their outcomes were recorded. */
  private static void endJobs(int n, HeldLeases held, Inbox inbox) {
    List<Assignment> ended = new ArrayList<>();
    inbox.drainTo(ended, n);
    held.removeEach(ended);
  }

  @Test
  void aMemberLeasesOnItsOwnThreadFromAGatherOfFreeSlotsBelowTheFetchersRefill() {
    broker.inProcess = true;
    for (int i = 0; i < 400; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
    HeldLeases held = new HeldLeases();
    Inbox inbox = new Inbox(a -> {});
    startFetcher(held, inbox);
    await().until(() -> inbox.size() == 201);
    broker.onLease = () -> leasedOn.add(Thread.currentThread().getName());

    // 70 free: a member's batch (64) but not the fetcher thread's refill (half the prefetch).
    endJobs(70, held, inbox);
    fetcher.fillHere();

    assertThat(leasedOn).containsExactly(Thread.currentThread().getName());
    assertThat(held.size()).isEqualTo(201);
    assertThat(inbox.size()).isEqualTo(201);

    endJobs(10, held, inbox);
    fetcher.fillHere();
    assertThat(leasedOn).as("10 free: too few for a member's batch").hasSize(1);
    assertThat(held.size()).isEqualTo(191);
  }

  @Test
  void onABrokerThatIsNotInProcessAMemberLeavesLeasingToTheFetcher() {
    for (int i = 0; i < 400; i++) {
      client.enqueue(BuiltinTasks.NOOP, null);
    }
    HeldLeases held = new HeldLeases();
    Inbox inbox = new Inbox(a -> {});
    startFetcher(held, inbox);
    await().until(() -> inbox.size() == 201);
    broker.onLease = () -> leasedOn.add(Thread.currentThread().getName());

    endJobs(150, held, inbox);
    fetcher.fillHere(); // wakes the fetcher thread: past its refill, and it is not in-process

    await().until(() -> held.size() == 201);
    assertThat(leasedOn).containsOnly("semafor-fetcher");
  }
}
