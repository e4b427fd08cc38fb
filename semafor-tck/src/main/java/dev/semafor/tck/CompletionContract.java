package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.LeaseLostException;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Complete, fail, release and progress: what the end of an attempt records, and that a call
 * carrying a stale token (the lease expired and the job was leased again) is refused and changes
 * nothing.
 */
abstract class CompletionContract extends BrokerFixture {

  @Test
  final void completeStoresTheResultAndMarksTheJobSucceededAtTheCurrentTime() {
    Lease lease = leaseAJob(3);
    Instant doneAt = clock.advance(Duration.ofMillis(1500));

    assertThat(broker.complete(List.of(new Completion(lease.ref(), "{\"n\":7,\"prime\":true}"))))
        .containsExactly(true);

    assertThatJob(job(lease.job().id()))
        .isInState(JobState.SUCCEEDED)
        .hasResultJson("{\"prime\":true,\"n\":7}")
        .wasFinishedAt(doneAt)
        .wasStartedAt(START)
        .hasAttempts(1)
        .hasNoLease();
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void completeWithAStaleTokenIsRejectedAndChangesNothing() {
    Lease stale = leaseAJob(3);
    Lease current = leaseAgainAfterExpiry(stale);
    JobRecord before = job(current.job().id());

    assertThat(broker.complete(List.of(new Completion(stale.ref(), "\"late\""))))
        .containsExactly(false);
    assertThatThrownBy(() -> broker.complete(new Completion(stale.ref(), "\"late\"")))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(stale.job().id());

    assertThatJob(job(current.job().id())).isUnchangedFrom(before);
    assertThat(broker.complete(List.of(new Completion(current.ref(), "\"on time\""))))
        .containsExactly(true);
    assertThatJob(job(current.job().id()))
        .isInState(JobState.SUCCEEDED)
        .hasResultJson("\"on time\"");
  }

  @Test
  final void failWithAStaleTokenIsRejectedAndChangesNothing() {
    Lease stale = leaseAJob(3);
    Lease current = leaseAgainAfterExpiry(stale);
    JobRecord before = job(current.job().id());
    JobError error = JobError.of("java.io.IOException", "late");

    assertThat(
            broker.fail(
                List.of(
                    Failure.retry(stale.ref(), error, clock.instant().plusSeconds(1)),
                    Failure.dead(stale.ref(), error))))
        .containsExactly(false, false);
    assertThatThrownBy(() -> broker.fail(Failure.dead(stale.ref(), error)))
        .isInstanceOf(LeaseLostException.class);

    assertThatJob(job(current.job().id())).isUnchangedFrom(before);
  }

  @Test
  final void failWithARetryTimeSchedulesTheJobWhichIsLeasableOnceThatTimeComes() {
    Lease lease = leaseAJob(3);
    Instant retryAt = clock.instant().plusSeconds(10);
    JobError error = JobError.of("java.net.SocketTimeoutException", "read timed out");

    assertThat(broker.fail(List.of(Failure.retry(lease.ref(), error, retryAt))))
        .containsExactly(true);

    assertThatJob(job(lease.job().id()))
        .isInState(JobState.SCHEDULED)
        .hasRunAt(retryAt)
        .hasError(error)
        .hasAttempts(1)
        .hasNoLease()
        .isNotFinished();
    clock.set(retryAt.minusMillis(1));
    assertThat(lease(10, QUEUE)).isEmpty();
    clock.set(retryAt);
    Lease retry = leaseOne(QUEUE);
    assertThatJob(retry.job()).isInState(JobState.RUNNING).hasAttempts(2).wasStartedAt(retryAt);
  }

  @Test
  final void failWithoutARetryTimeMakesTheJobDeadWithItsErrorAndABoundedStackTrace() {
    Lease lease = leaseAJob(3);
    JobError error = JobError.of(deepFailure(2_000));
    Instant failedAt = clock.advance(Duration.ofMillis(20));

    assertThat(broker.fail(List.of(Failure.dead(lease.ref(), error)))).containsExactly(true);

    assertThat(error.stackTrace()).hasSizeLessThanOrEqualTo(JobError.MAX_STACK_CHARS);
    JobRecord dead = job(lease.job().id());
    assertThatJob(dead)
        .isInState(JobState.DEAD)
        .hasErrorOfType(IllegalStateException.class.getName())
        .hasError(error)
        .wasFinishedAt(failedAt)
        .hasNoLease();
    assertThat(dead.error().message()).isEqualTo("depth 0");
    assertThat(dead.error().stackTrace()).contains("deepFailure").endsWith("more)");
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void releaseQueuesTheJobAtOnceInItsPlaceWithoutCountingTheAttempt() {
    JobRecord first = enqueue(queued("t"));
    JobRecord second = enqueue(queued("t"));
    Lease lease = leaseOne(QUEUE);
    assertThat(lease.job().id()).isEqualTo(first.id());

    broker.release(List.of(lease.ref()));

    assertThatJob(job(first.id())).isInState(JobState.QUEUED).hasAttempts(0).hasNoLease();
    Lease again = leaseOne(QUEUE);
    assertThat(again.job().id()).as("the released job keeps its place").isEqualTo(first.id());
    assertThatJob(again.job()).hasAttempts(1);
    assertThat(ids(lease(10, QUEUE))).containsExactly(second.id());
  }

  @Test
  final void releaseWithAStaleTokenIsIgnored() {
    Lease stale = leaseAJob(3);
    Lease current = leaseAgainAfterExpiry(stale);
    JobRecord before = job(current.job().id());

    broker.release(List.of(stale.ref()));

    assertThatJob(job(current.job().id())).isUnchangedFrom(before);
  }

  @Test
  final void progressIsStoredForTheCurrentLeaseAndIgnoredForAStaleOne() {
    Lease stale = leaseAJob(3);
    broker.progress(stale.ref(), 0.25, "a quarter");
    assertThatJob(job(stale.job().id())).hasProgress(0.25, "a quarter");
    Lease current = leaseAgainAfterExpiry(stale);
    broker.progress(current.ref(), 0.5, "half");

    broker.progress(stale.ref(), 0.9, "from a lost worker");

    assertThatJob(job(current.job().id())).hasProgress(0.5, "half");
  }

  private Lease leaseAJob(int maxAttempts) {
    enqueue(queued("t").maxAttempts(maxAttempts));
    return leaseOne(QUEUE);
  }

  /** Lets {@code lease} expire, reaps it and leases the job again. */
  private Lease leaseAgainAfterExpiry(Lease lease) {
    clock.set(lease.expiresAt().plusMillis(1));
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    Lease again = leaseOne(QUEUE);
    assertThat(again.job().id()).isEqualTo(lease.job().id());
    return again;
  }

  private static IllegalStateException deepFailure(int depth) {
    if (depth == 0) {
      return new IllegalStateException("depth 0");
    }
    return deepFailure(depth - 1);
  }
}
