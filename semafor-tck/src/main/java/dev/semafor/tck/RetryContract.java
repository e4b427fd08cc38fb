package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Retries: the core picks each retry time with {@link Backoff#delay} and the broker keeps to it, so
 * a job that keeps failing is retried with exponentially growing, jittered delays and ends {@code
 * DEAD} after its last attempt.
 */
abstract class RetryContract extends BrokerFixture {

  @Test
  final void retriesFollowExponentialBackoffWithJitterAndEndInDeadAfterMaxAttempts() {
    Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(20), 0.25);
    int maxAttempts = 6;
    JobRecord given = enqueue(queued("flaky").maxAttempts(maxAttempts).backoff(backoff));
    SplittableRandom random = new SplittableRandom(20300101L);
    List<Duration> delays = new ArrayList<>();

    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Lease lease = leaseOne(QUEUE);
      assertThatJob(lease.job()).hasAttempts(attempt).wasStartedAt(clock.instant());
      JobRecord running = lease.job();
      JobError error = JobError.of("java.io.IOException", "attempt " + attempt + " failed");
      clock.advance(Duration.ofMillis(100));
      if (!running.hasAttemptsLeft()) {
        assertThat(attempt).isEqualTo(maxAttempts);
        broker.fail(Failure.dead(lease.ref(), error));
        break;
      }
      // What the core does with a failed attempt that has attempts left:
      Duration delay = running.backoff().delay(attempt, random);
      Instant retryAt = clock.instant().plus(delay);
      broker.fail(Failure.retry(lease.ref(), error, retryAt));
      delays.add(delay);

      assertThatWithinJitter(delay, backoff, attempt);
      assertThatJob(job(given.id()))
          .isInState(JobState.SCHEDULED)
          .hasRunAt(retryAt)
          .hasError(error);
      clock.set(retryAt.minusMillis(1));
      assertThat(lease(10, QUEUE)).as("before retry %d is due", attempt).isEmpty();
      clock.set(retryAt);
    }

    assertThat(delays).hasSize(maxAttempts - 1);
    assertThatJob(job(given.id()))
        .isInState(JobState.DEAD)
        .hasAttempts(maxAttempts)
        .wasFinishedAt(clock.instant())
        .hasError(JobError.of("java.io.IOException", "attempt " + maxAttempts + " failed"));
    clock.advance(Duration.ofHours(1));
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  /** Retry {@code n} waits base·2^(n-1), capped at max, give or take the jitter fraction. */
  private static void assertThatWithinJitter(Duration delay, Backoff backoff, int retry) {
    long nominal = Math.min(backoff.base().toMillis() << (retry - 1), backoff.max().toMillis());
    long spread = Math.round(nominal * backoff.jitter());
    assertThat(delay.toMillis())
        .as("delay before retry %d (nominal %d ms)", retry, nominal)
        .isBetween(nominal - spread, nominal + spread);
  }
}
