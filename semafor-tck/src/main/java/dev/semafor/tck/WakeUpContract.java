package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiting for work ({@link dev.semafor.spi.Broker#awaitWork}), called as a worker's fetcher calls
 * it, all on one thread: empty leases and short waits (where a backend starts listening) until two
 * waits in a row last their whole timeout, so that no wake-up of the backend's own (a new
 * subscription, a listener that just connected) is pending, then the wait. An enqueue on one of the
 * waiter's queues ends that wait long before its timeout, whether it comes before or after the wait
 * begins; a wait with nothing to end it returns by its timeout; an interrupt ends it with {@link
 * InterruptedException}. These cases use real threads and wall-clock timeouts (a backend's wake-up
 * is real time, not the test's clock).
 */
abstract class WakeUpContract extends BrokerFixture {
  /** Longer than any case may take: a wait that ended well before it was woken, not timed out. */
  private static final Duration LONG = Duration.ofSeconds(60);

  @Test
  final void anEnqueueOnTheWaitersQueueEndsItsWait() throws Exception {
    Waiter waiter = new Waiter(LONG);
    waiter.primed.await();

    enqueue(queued("tck.wake").queue(QUEUE));

    assertThat(waiter.waited.get(LONG.toSeconds() / 2, TimeUnit.SECONDS))
        .as("nanoseconds waited")
        .isLessThan(LONG.toNanos() / 2);
    assertThat(lease(10, QUEUE)).hasSize(1);
  }

  @Test
  final void aWaitWithNothingToEndItReturnsByItsTimeout() throws Exception {
    Waiter waiter = new Waiter(Duration.ofMillis(100));

    assertThat(waiter.waited.get(LONG.toSeconds(), TimeUnit.SECONDS)).isLessThan(LONG.toNanos());
  }

  @Test
  final void anInterruptEndsTheWait() throws Exception {
    Waiter waiter = new Waiter(LONG);
    waiter.primed.await();

    waiter.thread.interrupt();

    assertThat(waiter.thread.join(LONG.dividedBy(2))).as("the waiter ended").isTrue();
    assertThat(waiter.waited)
        .as("it was told of the interrupt")
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(InterruptedException.class);
  }

  /** How long each settling wait lasts. */
  private static final Duration SETTLE = Duration.ofMillis(50);

  /**
   * Empty leases and short waits until two waits in a row last their whole timeout: the backend
   * listens, and it has no wake-up of its own pending that would end the next wait.
   */
  private void settle() throws InterruptedException {
    int full = 0;
    for (int i = 0; i < 200 && full < 2; i++) {
      assertThat(lease(10, QUEUE)).isEmpty();
      long t0 = System.nanoTime();
      broker.awaitWork(List.of(QUEUE), SETTLE);
      full = System.nanoTime() - t0 >= SETTLE.toNanos() ? full + 1 : 0;
    }
    assertThat(full).as("waits in a row that lasted their timeout").isEqualTo(2);
  }

  /**
   * A thread that does what an idle worker's fetcher does: {@link #settle}, an empty lease (then
   * {@link #primed}), and the wait, whose nanoseconds complete {@link #waited}.
   */
  private final class Waiter {
    final CountDownLatch primed = new CountDownLatch(1);
    final CompletableFuture<Long> waited = new CompletableFuture<>();
    final Thread thread;

    Waiter(Duration timeout) {
      thread =
          Thread.ofPlatform()
              .name("tck-waiter")
              .start(
                  () -> {
                    try {
                      settle();
                      assertThat(lease(10, QUEUE)).isEmpty();
                      primed.countDown();
                      long t0 = System.nanoTime();
                      broker.awaitWork(List.of(QUEUE), timeout);
                      waited.complete(System.nanoTime() - t0);
                    } catch (Throwable t) {
                      waited.completeExceptionally(t);
                    } finally {
                      primed.countDown();
                    }
                  });
    }
  }
}
