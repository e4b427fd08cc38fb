package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reap and prune: an expired lease returns its job to the queue (or makes it {@code DEAD} when it
 * has no attempts left) and its token goes stale; pruning deletes only finished jobs that finished
 * longer ago than the retention.
 */
abstract class ReapAndPruneContract extends BrokerFixture {

  @Test
  final void reapReturnsAJobWhoseLeaseExpiredToItsQueueAndItsOldTokenIsThenRejected() {
    JobRecord given = enqueue(queued("t").maxAttempts(3));
    Lease expired = leaseOne(QUEUE);
    clock.set(expired.expiresAt().plusMillis(1));

    assertThat(broker.reapExpiredLeases()).isEqualTo(1);

    assertThatJob(job(given.id())).isInState(JobState.QUEUED).hasAttempts(1).hasNoLease();
    Lease again = leaseOne(QUEUE);
    assertThatJob(again.job()).hasAttempts(2).isInState(JobState.RUNNING);
    assertThat(broker.complete(List.of(new Completion(expired.ref(), "\"stale\""))))
        .containsExactly(false);
    assertThat(broker.heartbeat(List.of(expired.ref()), Duration.ofSeconds(30)))
        .containsExactly(LeaseStatus.LOST);
    assertThat(broker.complete(List.of(new Completion(again.ref(), "\"fresh\""))))
        .containsExactly(true);
    assertThatJob(job(given.id())).isInState(JobState.SUCCEEDED).hasResultJson("\"fresh\"");
  }

  @Test
  final void reapMakesAJobDeadWhenItHasNoAttemptsLeft() {
    JobRecord given = enqueue(queued("t").maxAttempts(1));
    Lease expired = leaseOne(QUEUE);
    Instant reapedAt = clock.set(expired.expiresAt().plusSeconds(1));

    assertThat(broker.reapExpiredLeases()).isEqualTo(1);

    assertThatJob(job(given.id()))
        .isInState(JobState.DEAD)
        .hasAttempts(1)
        .wasFinishedAt(reapedAt)
        .hasNoLease();
    assertThat(lease(10, QUEUE)).isEmpty();
    assertThat(broker.fail(List.of(Failure.dead(expired.ref(), JobError.of("E", "late")))))
        .containsExactly(false);
  }

  @Test
  final void reapCancelsAJobWhoseCancellationWasRequestedInsteadOfQueueingItAgain() {
    JobRecord given = enqueue(queued("t").maxAttempts(3));
    Lease expired = leaseOne(QUEUE);
    broker.cancel(given.id());
    Instant reapedAt = clock.set(expired.expiresAt().plusSeconds(1));

    assertThat(broker.reapExpiredLeases()).isEqualTo(1);

    assertThatJob(job(given.id())).isInState(JobState.CANCELLED).wasFinishedAt(reapedAt);
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void releaseCancelsAJobWhoseCancellationWasRequested() {
    JobRecord given = enqueue(queued("t"));
    Lease lease = leaseOne(QUEUE);
    broker.cancel(given.id());

    broker.release(List.of(lease.ref()));

    assertThatJob(job(given.id())).isInState(JobState.CANCELLED);
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void reapLeavesLiveLeasesAlone() {
    broker.enqueue(queued("t").build(clock, 2));
    Lease shortLease =
        broker.lease(new LeaseRequest(List.of(QUEUE), 1, WORKER, Duration.ofSeconds(10))).get(0);
    Lease longLease =
        broker.lease(new LeaseRequest(List.of(QUEUE), 1, WORKER, Duration.ofSeconds(60))).get(0);

    clock.set(shortLease.expiresAt().minusMillis(1));
    assertThat(broker.reapExpiredLeases()).isZero();
    clock.set(shortLease.expiresAt().plusMillis(1));
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);

    assertThatJob(job(shortLease.job().id())).isInState(JobState.QUEUED);
    assertThatJob(job(longLease.job().id()))
        .isInState(JobState.RUNNING)
        .hasLeaseExpiringAt(longLease.expiresAt());
    assertThat(broker.reapExpiredLeases()).isZero();
  }

  @Test
  final void pruneDeletesOnlyFinishedJobsThatFinishedLongerAgoThanTheRetention() {
    Duration retention = Duration.ofHours(1);
    List<JobRecord> old = queued("old").maxAttempts(1).build(clock, 3);
    JobRecord waiting = queued("waiting").build(clock);
    JobRecord later = scheduled("later", START.plus(Duration.ofDays(1))).build(clock);
    broker.enqueue(List.of(old.get(0), old.get(1), old.get(2), waiting, later));
    List<Lease> leased = lease(2, QUEUE);
    broker.complete(List.of(new Completion(leased.get(0).ref(), "null")));
    broker.fail(List.of(Failure.dead(leased.get(1).ref(), JobError.of("E", "x"))));
    broker.cancel(old.get(2).id());
    JobRecord running = enqueue(queued("running").queue("long"));
    broker.lease(new LeaseRequest(List.of("long"), 1, WORKER, Duration.ofDays(2)));
    clock.advance(Duration.ofMinutes(30));
    JobRecord recent = enqueue(queued("recent").queue("other"));
    broker.complete(List.of(new Completion(leaseOne("other").ref(), "null")));
    Instant now = clock.set(START.plus(retention).plusMillis(1));

    assertThat(broker.prune(retention)).isEqualTo(3);

    for (JobRecord gone : old) {
      assertThat(broker.get(gone.id())).as("pruned %s", gone.id()).isEmpty();
    }
    for (JobRecord kept : List.of(waiting, later, running, recent)) {
      assertThat(broker.get(kept.id())).as("kept %s at %s", kept.task(), now).isPresent();
    }
    assertThat(broker.prune(retention)).isZero();
    clock.advance(Duration.ofMinutes(30));
    assertThat(broker.prune(retention)).isEqualTo(1);
    assertThat(broker.get(recent.id())).isEmpty();
    assertThat(broker.get(waiting.id())).isPresent();
  }
}
