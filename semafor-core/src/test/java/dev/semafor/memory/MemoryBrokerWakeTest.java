package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobIds;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory broker's {@link Broker#awaitWork}: a waiting worker is signalled directly when work
 * arrives on one of its queues, wakes for a scheduled job when its run-at comes, and otherwise
 * waits out its timeout.
 */
class MemoryBrokerWakeTest {
  /** Longer than any test may take: a wait that ends early was woken, not timed out. */
  private static final Duration FOREVER = Duration.ofHours(1);

  private final MemoryBroker broker = new MemoryBroker();

  @AfterEach
  void close() {
    broker.close();
  }

  @Test
  void anEnqueueFromAnotherThreadEndsTheWait() throws Exception {
    CompletableFuture<Long> waited = waitInBackground(List.of("a"), FOREVER);
    await().atMost(Duration.ofSeconds(10)).until(broker::hasWaiters);

    broker.enqueue(List.of(job("a", Instant.now())));

    assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
  }

  @Test
  void aReleasedLeaseEndsTheWaitOfAnotherWorker() throws Exception {
    broker.enqueue(List.of(job("a", Instant.now())));
    Lease lease =
        broker.lease(new LeaseRequest(List.of("a"), 1, "w1", Duration.ofMinutes(1))).get(0);
    CompletableFuture<Long> waited = waitInBackground(List.of("a"), FOREVER);
    await().atMost(Duration.ofSeconds(10)).until(broker::hasWaiters);

    broker.release(List.of(lease.ref()));

    assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
  }

  @Test
  void aWaitEndsWhenAScheduledJobComesDue() throws Exception {
    broker.enqueue(List.of(job("a", Instant.now().plusMillis(200))));

    long nanos = timed(() -> broker.awaitWork(List.of("a"), FOREVER));

    assertThat(nanos).isBetween(Duration.ofMillis(150).toNanos(), Duration.ofSeconds(30).toNanos());
  }

  @Test
  void workOnAnotherQueueDoesNotEndTheWaitWhichTimesOut() throws Exception {
    Duration timeout = Duration.ofMillis(300);
    CompletableFuture<Long> waited = waitInBackground(List.of("a"), timeout);
    await().atMost(Duration.ofSeconds(10)).until(broker::hasWaiters);

    broker.enqueue(List.of(job("b", Instant.now())));

    assertThat(waited.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(timeout.toNanos());
  }

  @Test
  void aWaitOnAQueueWithReadyWorkReturnsAtOnce() throws Exception {
    broker.enqueue(List.of(job("a", Instant.now())));

    assertThat(timed(() -> broker.awaitWork(List.of("a"), FOREVER))).isLessThan(FOREVER.toNanos());
  }

  @Test
  void closingTheBrokerEndsTheWait() throws Exception {
    CompletableFuture<Long> waited = waitInBackground(List.of("a"), FOREVER);
    await().atMost(Duration.ofSeconds(10)).until(broker::hasWaiters);

    broker.close();

    assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
  }

  /** Waits on another thread; completes with the nanoseconds the wait took. */
  private CompletableFuture<Long> waitInBackground(List<String> queues, Duration timeout) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                done.complete(timed(() -> broker.awaitWork(queues, timeout)));
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            });
    return done;
  }

  private static long timed(Wait wait) throws InterruptedException {
    long t0 = System.nanoTime();
    wait.run();
    return System.nanoTime() - t0;
  }

  private static JobRecord job(String queue, Instant runAt) {
    Instant now = Instant.now();
    return JobRecord.builder()
        .id(JobIds.next(now))
        .task("t")
        .queue(queue)
        .runAt(runAt)
        .enqueuedAt(now)
        .build();
  }

  @FunctionalInterface
  private interface Wait {
    void run() throws InterruptedException;
  }
}
