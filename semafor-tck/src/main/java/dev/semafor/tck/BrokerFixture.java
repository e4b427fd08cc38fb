package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract area shares: a new, empty broker on a {@link SettableClock} for each test,
 * closed after it, and the few steps the cases are written in.
 */
abstract class BrokerFixture {
  /** Where each test's clock starts; a whole second, so any backend stores it exactly. */
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  static final Duration LEASE = Duration.ofSeconds(30);
  static final String WORKER = "tck-worker-1";
  static final String QUEUE = "default";

  SettableClock clock;
  Broker broker;

  /** Opens a new, empty broker that reads time from {@code clock}; called once per test. */
  protected abstract Broker newBroker(InstantSource clock);

  @BeforeEach
  final void openBroker() {
    clock = new SettableClock(START);
    broker = newBroker(clock);
    assertThat(broker).as("newBroker(clock)").isNotNull();
  }

  @AfterEach
  final void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** Enqueues one job built now and returns it as built. */
  final JobRecord enqueue(TestJobs.Draft draft) {
    JobRecord job = draft.build(clock);
    broker.enqueue(List.of(job));
    return job;
  }

  /** Leases up to {@code max} jobs from {@code queues} for {@link #WORKER}, for {@link #LEASE}. */
  final List<Lease> lease(int max, String... queues) {
    return broker.lease(new LeaseRequest(Arrays.asList(queues), max, WORKER, LEASE));
  }

  /** Leases the one job due in {@code queue}, failing the test if there is none. */
  final Lease leaseOne(String queue) {
    List<Lease> leases = lease(1, queue);
    assertThat(leases).as("jobs leased from %s", queue).hasSize(1);
    return leases.get(0);
  }

  /** The stored job, failing the test if the broker does not know it. */
  final JobRecord job(String id) {
    return broker
        .get(id)
        .orElseThrow(() -> new AssertionError("no job " + id + " in " + broker.describe()));
  }

  /**
   * Waits for work on {@code queue} ({@link Broker#awaitWork}) on another thread; completes with
   * the nanoseconds the wait took.
   */
  final CompletableFuture<Long> awaitInBackground(String queue, Duration timeout) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                long t0 = System.nanoTime();
                broker.awaitWork(List.of(queue), timeout);
                done.complete(System.nanoTime() - t0);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            });
    return done;
  }

  static List<String> ids(List<Lease> leases) {
    return leases.stream().map(l -> l.job().id()).toList();
  }
}
