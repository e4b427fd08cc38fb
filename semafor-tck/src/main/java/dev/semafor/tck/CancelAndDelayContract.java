package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancelling running jobs (the request reaches the worker; the attempt ends {@code CANCELLED}),
 * progress, and delayed jobs that never run early nor twice because they waited long.
 */
public abstract class CancelAndDelayContract extends JobControlFixture {

  @Test
  final void aRunningJobsCancellationReachesItsWorker() {
    enqueue(job("t").build());
    enqueue(job("t").build());
    List<Lease> mine = lease("worker-1", 1);
    List<Lease> theirs = lease("worker-2", 1);
    assertThat(broker.cancelRequested("worker-1")).isEmpty();

    assertThat(broker.cancel(mine.get(0).job().id())).isEqualTo(CancelResult.CANCEL_REQUESTED);
    assertThat(broker.cancelRequested("worker-1")).containsExactly(mine.get(0).job().id());
    assertThat(broker.cancelRequested("worker-2")).isEmpty();
    assertThat(broker.heartbeat(List.of(mine.get(0).ref(), theirs.get(0).ref()), LEASE))
        .containsExactly(LeaseStatus.CANCEL_REQUESTED, LeaseStatus.ACTIVE);
  }

  @Test
  final void aCancelledAttemptEndsTheJobCancelled() {
    JobRecord job = enqueue(job("t").build());
    Lease lease = lease(1).get(0);
    broker.cancel(job.id());
    clock.advance(Duration.ofSeconds(2));

    assertThat(broker.fail(List.of(Failure.cancelled(lease.ref(), JobError.of("C", "stopped")))))
        .containsExactly(true);
    JobRecord done = get(job.id());
    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(done.finishedAt()).isEqualTo(clock.instant());
    assertThat(done.error().message()).isEqualTo("stopped");
    assertThat(broker.cancelRequested("worker-1")).isEmpty();
    assertThat(broker.cancel(job.id())).isEqualTo(CancelResult.ALREADY_FINISHED);
  }

  @Test
  final void aCancelledAttemptWithAStaleLeaseChangesNothing() {
    JobRecord job = enqueue(job("t").maxAttempts(2).build());
    Lease stale = lease(1).get(0);
    clock.advance(LEASE.plusSeconds(1));
    broker.reapExpiredLeases();
    Lease current = lease(1).get(0);

    assertThat(broker.fail(List.of(Failure.cancelled(stale.ref(), JobError.of("C", "x")))))
        .containsExactly(false);
    assertThat(get(job.id()).state()).isEqualTo(JobState.RUNNING);
    succeed(current, "1");
    assertThat(get(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  final void progressIsStoredForTheCurrentLeaseOnly() {
    JobRecord job = enqueue(job("t").build());
    Lease lease = lease(1).get(0);
    broker.progress(lease.ref(), 0.25, "a quarter");
    assertThat(get(job.id()).progress()).isEqualTo(0.25);
    assertThat(get(job.id()).progressMessage()).isEqualTo("a quarter");

    succeed(lease, "null");
    broker.progress(lease.ref(), 0.5, "late");
    assertThat(get(job.id()).progressMessage()).isEqualTo("a quarter");
  }

  @Test
  final void aDelayedJobNeverRunsEarly() {
    Instant due = clock.instant().plusSeconds(10);
    JobRecord job = enqueue(job("t").state(JobState.SCHEDULED).runAt(due).build());

    clock.advance(Duration.ofMillis(9_999));
    assertThat(lease(10)).isEmpty();
    assertThat(get(job.id()).state()).isEqualTo(JobState.SCHEDULED);
    clock.advance(Duration.ofMillis(1));
    assertThat(ids(lease(10))).containsExactly(job.id());
  }

  @Test
  final void aJobDelayedLongerThanTheLeaseRunsExactlyOnce() {
    Instant due = clock.instant().plus(Duration.ofHours(2));
    JobRecord job = enqueue(job("t").state(JobState.SCHEDULED).runAt(due).build());
    List<Lease> leases = new ArrayList<>();

    // Two hours of workers polling and reaping, in steps longer than a lease.
    while (clock.instant().isBefore(due)) {
      leases.addAll(lease("early", 10));
      broker.reapExpiredLeases();
      clock.advance(LEASE.multipliedBy(3));
    }
    assertThat(leases).as("nothing runs before its run-at").isEmpty();

    clock.set(due);
    leases.addAll(lease("on-time", 10));
    // The job runs for ten leases' time, heartbeating, while others poll and reap.
    for (int i = 0; i < 10; i++) {
      clock.advance(LEASE.dividedBy(2));
      broker.heartbeat(List.of(leases.get(0).ref()), LEASE);
      broker.reapExpiredLeases();
      leases.addAll(lease("other", 10));
    }
    succeed(leases.get(0), "\"once\"");
    leases.addAll(lease("after", 10));

    assertThat(leases).hasSize(1);
    assertThat(get(job.id()).attempts()).isEqualTo(1);
    assertThat(get(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }
}
