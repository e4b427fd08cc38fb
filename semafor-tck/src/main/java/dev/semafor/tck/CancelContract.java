package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancel: a waiting job is cancelled at once and never leased; a running one is flagged for its
 * worker; a finished one is left alone.
 */
abstract class CancelContract extends BrokerFixture {

  @Test
  final void cancelOfAQueuedJobCancelsItAndItIsNeverLeased() {
    JobRecord job = enqueue(queued("t"));
    Instant cancelledAt = clock.advance(Duration.ofSeconds(2));

    assertThat(broker.cancel(job.id())).isEqualTo(CancelResult.CANCELLED);

    assertThatJob(job(job.id())).isInState(JobState.CANCELLED).wasFinishedAt(cancelledAt);
    assertThat(lease(10, QUEUE)).isEmpty();
    clock.advance(Duration.ofHours(1));
    broker.reapExpiredLeases();
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void cancelOfAScheduledJobCancelsItAndItIsNeverLeasedEvenAfterItsRunAt() {
    Instant runAt = START.plus(Duration.ofMinutes(1));
    JobRecord job = enqueue(scheduled("t", runAt));

    assertThat(broker.cancel(job.id())).isEqualTo(CancelResult.CANCELLED);

    assertThatJob(job(job.id())).isInState(JobState.CANCELLED).wasFinishedAt(START);
    clock.set(runAt.plusSeconds(1));
    assertThat(lease(10, QUEUE)).isEmpty();
    assertThatJob(job(job.id())).isInState(JobState.CANCELLED);
  }

  @Test
  final void cancelOfARetryWaitingForItsTimeCancelsIt() {
    enqueue(queued("t").maxAttempts(3));
    Lease lease = leaseOne(QUEUE);
    Instant retryAt = START.plusSeconds(30);
    broker.fail(List.of(Failure.retry(lease.ref(), JobError.of("E", "boom"), retryAt)));

    assertThat(broker.cancel(lease.job().id())).isEqualTo(CancelResult.CANCELLED);

    clock.set(retryAt);
    assertThat(lease(10, QUEUE)).isEmpty();
    assertThatJob(job(lease.job().id())).isInState(JobState.CANCELLED);
  }

  @Test
  final void cancelOfARunningJobRequestsCancellationAndLeavesItRunning() {
    enqueue(queued("t"));
    Lease lease = leaseOne(QUEUE);

    assertThat(broker.cancel(lease.job().id())).isEqualTo(CancelResult.CANCEL_REQUESTED);

    assertThatJob(job(lease.job().id()))
        .isInState(JobState.RUNNING)
        .hasCancelRequested(true)
        .isLeasedTo(WORKER)
        .hasLeaseExpiringAt(lease.expiresAt());
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void cancelOfAFinishedJobReportsAlreadyFinishedAndChangesNothing() {
    List<JobRecord> jobs = queued("t").maxAttempts(1).build(clock, 3);
    broker.enqueue(jobs);
    List<Lease> leases = lease(2, QUEUE);
    broker.complete(List.of(new Completion(leases.get(0).ref(), "1")));
    broker.fail(List.of(Failure.dead(leases.get(1).ref(), JobError.of("E", "dead"))));
    broker.cancel(jobs.get(2).id());
    clock.advance(Duration.ofSeconds(5));

    for (JobRecord finished : jobs) {
      JobRecord before = job(finished.id());
      assertThat(broker.cancel(finished.id()))
          .as("cancel of a %s job", before.state())
          .isEqualTo(CancelResult.ALREADY_FINISHED);
      assertThatJob(job(finished.id())).isUnchangedFrom(before);
    }
    assertThat(jobs.stream().map(j -> job(j.id()).state()))
        .containsExactly(JobState.SUCCEEDED, JobState.DEAD, JobState.CANCELLED);
  }

  @Test
  final void cancelOfAnUnknownJobReportsNotFound() {
    enqueue(queued("t"));

    assertThat(broker.cancel("01ZZZZZZZZZZZZZZZZZZZZZZZZ")).isEqualTo(CancelResult.NOT_FOUND);
  }
}
