package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heartbeat: a current token extends its lease to now + extension, even one that has expired but
 * was not reaped yet; a stale token is {@code LOST} and changes nothing; a cancel of a running job
 * is reported to its worker.
 */
abstract class HeartbeatContract extends BrokerFixture {
  private static final Duration EXTENSION = Duration.ofSeconds(30);

  @Test
  final void heartbeatExtendsALiveLeaseSoItIsNotReaped() {
    Lease lease = leaseAJob();
    Instant beatAt = clock.advance(Duration.ofSeconds(20));

    assertThat(broker.heartbeat(List.of(lease.ref()), EXTENSION))
        .containsExactly(LeaseStatus.ACTIVE);

    assertThatJob(job(lease.job().id())).hasLeaseExpiringAt(beatAt.plus(EXTENSION));
    clock.set(lease.expiresAt().plusSeconds(5));
    assertThat(broker.reapExpiredLeases()).isZero();
    assertThatJob(job(lease.job().id())).isInState(JobState.RUNNING).hasAttempts(1);
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void aLeaseThatExpiredButWasExtendedByAHeartbeatBeforeTheReaperRanIsNotReaped() {
    Lease lease = leaseAJob();
    Instant beatAt = clock.set(lease.expiresAt().plusSeconds(10));

    assertThat(broker.heartbeat(List.of(lease.ref()), EXTENSION))
        .containsExactly(LeaseStatus.ACTIVE);

    assertThat(broker.reapExpiredLeases()).isZero();
    assertThatJob(job(lease.job().id()))
        .isInState(JobState.RUNNING)
        .hasLeaseExpiringAt(beatAt.plus(EXTENSION));
    assertThat(broker.complete(List.of(new Completion(lease.ref(), "1")))).containsExactly(true);
  }

  @Test
  final void heartbeatWithAStaleTokenIsLostAndChangesNothing() {
    Lease expired = leaseAJob();
    clock.set(expired.expiresAt().plusMillis(1));
    broker.reapExpiredLeases();
    Lease current = leaseOne(QUEUE);
    JobRecord before = job(current.job().id());

    assertThat(broker.heartbeat(List.of(expired.ref()), EXTENSION))
        .containsExactly(LeaseStatus.LOST);

    assertThatJob(job(current.job().id())).isUnchangedFrom(before);
  }

  @Test
  final void heartbeatAfterTheJobFinishedOrForAnUnknownJobIsLost() {
    Lease lease = leaseAJob();
    broker.complete(List.of(new Completion(lease.ref(), "null")));
    JobRecord finished = job(lease.job().id());

    assertThat(
            broker.heartbeat(
                List.of(lease.ref(), new LeaseRef("01ZZZZZZZZZZZZZZZZZZZZZZZZ", lease.token())),
                EXTENSION))
        .containsExactly(LeaseStatus.LOST, LeaseStatus.LOST);
    assertThatJob(job(lease.job().id())).isUnchangedFrom(finished);
  }

  @Test
  final void heartbeatReportsCancelRequestedOnceTheRunningJobIsCancelled() {
    Lease lease = leaseAJob();
    assertThat(broker.heartbeat(List.of(lease.ref()), EXTENSION))
        .containsExactly(LeaseStatus.ACTIVE);

    assertThat(broker.cancel(lease.job().id())).isEqualTo(CancelResult.CANCEL_REQUESTED);

    assertThat(broker.heartbeat(List.of(lease.ref()), EXTENSION))
        .containsExactly(LeaseStatus.CANCEL_REQUESTED);
    assertThatJob(job(lease.job().id())).isInState(JobState.RUNNING).hasCancelRequested(true);
  }

  @Test
  final void heartbeatAnswersEveryLeaseOfABatchInOrder() {
    broker.enqueue(queued("t").build(clock, 3));
    List<Lease> leases = lease(3, QUEUE);
    broker.complete(List.of(new Completion(leases.get(1).ref(), "null")));
    broker.cancel(leases.get(2).job().id());

    List<LeaseStatus> statuses =
        broker.heartbeat(
            List.of(leases.get(0).ref(), leases.get(1).ref(), leases.get(2).ref()), EXTENSION);

    assertThat(statuses)
        .containsExactly(LeaseStatus.ACTIVE, LeaseStatus.LOST, LeaseStatus.CANCEL_REQUESTED);
  }

  private Lease leaseAJob() {
    enqueue(queued("t"));
    return leaseOne(QUEUE);
  }
}
