package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Waiting for work ({@link dev.semafor.broker.Broker#awaitWork}), called as a worker calls it: an
 * empty lease, a first short wait (where a backend may start listening), an empty lease, then the
 * wait. An enqueue on one of the waiter's queues ends that wait long before its timeout, whether it
 * comes before or after the wait begins; a wait with nothing to end it returns by its timeout; an
 * interrupt ends it. These cases use real threads and wall-clock timeouts (a backend's wake-up is
 * real time, not the test's clock).
 */
abstract class WakeUpContract extends BrokerFixture {
  /** Longer than any case may take: a wait that ended well before it was woken, not timed out. */
  private static final Duration LONG = Duration.ofSeconds(60);

  @Test
  final void anEnqueueOnTheWaitersQueueEndsItsWait() throws Exception {
    primeTheWait();
    CompletableFuture<Long> waited = waitInBackground(LONG);

    enqueue(queued("tck.wake").queue(QUEUE));

    assertThat(waited.get(LONG.toSeconds() / 2, TimeUnit.SECONDS))
        .as("nanoseconds waited")
        .isLessThan(LONG.toNanos() / 2);
    assertThat(lease(10, QUEUE)).hasSize(1);
  }

  @Test
  final void aWaitWithNothingToEndItReturnsByItsTimeout() throws Exception {
    primeTheWait();

    CompletableFuture<Long> waited = waitInBackground(Duration.ofMillis(100));

    assertThat(waited.get(LONG.toSeconds(), TimeUnit.SECONDS)).isLessThan(LONG.toNanos());
  }

  @Test
  final void anInterruptEndsTheWait() throws Exception {
    primeTheWait();
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread waiter =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    broker.awaitWork(List.of(QUEUE), LONG);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                  }
                });

    waiter.interrupt();

    assertThat(waiter.join(LONG.dividedBy(2))).as("the waiter ended").isTrue();
    assertThat(interrupted).as("it was told of the interrupt").isTrue();
  }

  /** An empty lease, a first short wait, and an empty lease, as an idle worker's fetcher does. */
  private void primeTheWait() throws InterruptedException {
    assertThat(lease(10, QUEUE)).isEmpty();
    broker.awaitWork(List.of(QUEUE), Duration.ofMillis(1));
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  private CompletableFuture<Long> waitInBackground(Duration timeout) {
    return awaitInBackground(QUEUE, timeout);
  }
}
