package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code awaitWork} on Redis: an idle worker's wait ends when a producer on another handle
 * enqueues, or when a scheduled job comes due, long before its timeout.
 */
class RedisWakeupTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("wake");
  private static final Duration LONG = Duration.ofSeconds(30);

  private Broker worker;
  private Broker producer;

  @BeforeEach
  void open() {
    String url = redis.nextUrl();
    worker = Brokers.open(url);
    producer = Brokers.open(url);
  }

  @AfterEach
  void close() {
    worker.close();
    producer.close();
  }

  private static JobRecord job(Instant runAt) {
    Instant now = Instant.now();
    return JobRecord.builder()
        .id(JobIds.next(now))
        .task("t")
        .queue("mail")
        .state(runAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED)
        .runAt(runAt)
        .enqueuedAt(now)
        .build();
  }

  /** The fetcher's loop: lease (empty), then wait; returns when the wait ended. */
  private long idleWaitNanos(Runnable whileWaiting) throws Exception {
    LeaseRequest request = new LeaseRequest(List.of("mail"), 10, "w", Duration.ofMinutes(1));
    worker.awaitWork(List.of("mail"), Duration.ZERO); // subscribes
    CountDownLatch leased = new CountDownLatch(1);
    CompletableFuture<Long> waited =
        CompletableFuture.supplyAsync(
            () -> {
              assertThat(worker.lease(request)).isEmpty();
              leased.countDown();
              try {
                worker.awaitWork(List.of("mail"), LONG);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return System.nanoTime();
            });
    leased.await();
    long t0 = System.nanoTime();
    whileWaiting.run();
    return waited.get() - t0;
  }

  @Test
  void anEnqueueOnAnotherHandleEndsTheWait() throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long nanos = idleWaitNanos(() -> producer.enqueue(List.of(job(Instant.now()))));
      millis.add(nanos / 1_000_000);
      assertThat(worker.lease(new LeaseRequest(List.of("mail"), 10, "w", Duration.ofMinutes(1))))
          .hasSize(1);
    }
    assertThat(millis).as("ms from enqueue to wake-up").allMatch(ms -> ms < 5_000);
  }

  @Test
  void anEnqueueBetweenTheEmptyLeaseAndTheWaitIsNotSleptThrough() throws Exception {
    worker.awaitWork(List.of("mail"), Duration.ZERO); // subscribes
    LeaseRequest request = new LeaseRequest(List.of("mail"), 10, "w", Duration.ofMinutes(1));
    assertThat(worker.lease(request)).isEmpty();
    producer.enqueue(List.of(job(Instant.now())));
    long t0 = System.nanoTime();
    // the message may still be on its way: the wait ends when it lands, not after 30 s
    worker.awaitWork(List.of("mail"), LONG);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void anInterruptedThreadsWaitThrowsInterruptedExceptionNotABrokerFailure() throws Exception {
    worker.awaitWork(List.of("mail"), Duration.ZERO); // subscribes
    Thread.currentThread().interrupt();
    try {
      // the wait reads the earliest run-at from the server first: an interrupt there is no outage
      assertThatThrownBy(() -> worker.awaitWork(List.of("mail"), LONG))
          .isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aScheduledJobComingDueEndsTheWait() throws Exception {
    producer.enqueue(List.of(job(Instant.now().plusMillis(300))));
    worker.awaitWork(List.of("mail"), Duration.ZERO); // subscribes
    LeaseRequest request = new LeaseRequest(List.of("mail"), 10, "w", Duration.ofMinutes(1));
    assertThat(worker.lease(request)).isEmpty();
    long t0 = System.nanoTime();
    worker.awaitWork(List.of("mail"), LONG);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(worker.lease(request)).hasSize(1);
  }
}
