package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.jdbc.testing.PostgresTestServer;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.tck.TestJobs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code awaitWork} on PostgreSQL: an idle worker waiting on a queue is woken by {@code
 * LISTEN/NOTIFY} as soon as another handle (another host) commits an enqueue on that queue, and not
 * by enqueues on other queues.
 */
class PostgresWakeupTest {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresWakeupTest.class);

  private static final Duration LONG = Duration.ofSeconds(30);

  @Test
  void anIdleWaiterWakesWhenAnotherHandleEnqueuesOnItsQueue() throws Exception {
    String url = schemas.newUrl("pool=1");
    try (Broker worker = Brokers.open(url);
        Broker producer = Brokers.open(url)) {
      worker.awaitWork(List.of("default"), Duration.ofSeconds(5)); // starts listening
      AtomicReference<Thread> waiter = new AtomicReference<>();
      CompletableFuture<Long> wokeAt =
          CompletableFuture.supplyAsync(
              () -> {
                waiter.set(Thread.currentThread());
                try {
                  worker.awaitWork(List.of("other", "default"), LONG);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return System.nanoTime();
              });
      await()
          .until(
              () -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);

      producer.enqueue(List.of(TestJobs.queued("wake").build(Clock.systemUTC())));
      long enqueued = System.nanoTime();

      long woke = wokeAt.get(LONG.toSeconds(), TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(woke - enqueued)).isLessThan(Duration.ofSeconds(2));
    }
  }

  /**
   * The driver's probe after each notification used to hold it for a millisecond before the
   * listener could hand it on ({@link QuickProbeSocketFactory}): every wake-up came at least that
   * long after the {@code NOTIFY} was committed. Now the fastest of a few comes well within it.
   */
  @Test
  void aNotificationReachesTheWaiterWithinAMillisecond() throws Exception {
    String schema = schemas.newSchema();
    ExecutorService waiting = Executors.newSingleThreadExecutor(); // one thread: its counts hold
    try (Broker worker = Brokers.open(PostgresTestServer.url(schema, "pool=1"));
        Connection producer = PostgresTestServer.connect();
        PreparedStatement notify = producer.prepareStatement("SELECT pg_notify(?, 'default')")) {
      worker.awaitWork(List.of("default"), Duration.ofSeconds(5)); // starts listening
      notify.setString(1, PostgresListener.channel(schema));
      Thread waiter = waiting.submit(Thread::currentThread).get();
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        Future<Long> wokeAt =
            waiting.submit(
                () -> {
                  worker.awaitWork(List.of("default"), LONG);
                  return System.nanoTime();
                });
        await().until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
        long notifying = System.nanoTime();
        notify.executeQuery().close();
        long notified = System.nanoTime();
        long woke = wokeAt.get(LONG.toSeconds(), TimeUnit.SECONDS);
        assertThat(woke).isGreaterThan(notifying); // woken by this notification, not before it
        fastest = Math.min(fastest, woke - notified);
      }
      assertThat(Duration.ofNanos(fastest)).isLessThan(Duration.ofMillis(1).dividedBy(2));
    } finally {
      waiting.shutdownNow();
    }
  }

  @Test
  void anEnqueueOnAnotherQueueDoesNotWakeTheWaiter() throws Exception {
    assertDoesNotWakeAWaiterOnTheDefaultQueue(
        TestJobs.queued("elsewhere").queue("other").build(Clock.systemUTC()));
  }

  @Test
  void aJobEnqueuedForLaterDoesNotWakeTheWaiter() throws Exception {
    assertDoesNotWakeAWaiterOnTheDefaultQueue(
        TestJobs.scheduled("later", Instant.now().plus(Duration.ofHours(1)))
            .build(Clock.systemUTC()));
  }

  private static void assertDoesNotWakeAWaiterOnTheDefaultQueue(JobRecord job) throws Exception {
    String url = schemas.newUrl("pool=1");
    try (Broker worker = Brokers.open(url);
        Broker producer = Brokers.open(url)) {
      worker.awaitWork(List.of("default"), Duration.ofSeconds(5)); // starts listening
      producer.enqueue(List.of(job));
      long start = System.nanoTime();
      worker.awaitWork(List.of("default"), Duration.ofMillis(800));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(790));
    }
  }

  @Test
  void aNotificationBetweenTwoWaitsEndsTheNextWaitAtOnce() throws Exception {
    String url = schemas.newUrl("pool=1");
    try (Broker worker = Brokers.open(url);
        Broker producer = Brokers.open(url)) {
      worker.awaitWork(List.of("default"), Duration.ofSeconds(5)); // starts listening
      worker.awaitWork(List.of("default"), Duration.ofMillis(1)); // this thread's counts seen
      producer.enqueue(List.of(TestJobs.queued("between").build(Clock.systemUTC())));
      long start = System.nanoTime();
      worker.awaitWork(List.of("default"), LONG);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }
}
