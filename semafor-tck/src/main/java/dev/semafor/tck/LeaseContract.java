package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lease: which due jobs a request takes, in what order, and what a lease records. A batch holds the
 * best {@code max} jobs and lists them in the order taken: queues as requested, then highest
 * priority, then FIFO by id.
 */
abstract class LeaseContract extends BrokerFixture {

  @Test
  final void leaseTakesHigherPriorityFirst() {
    JobRecord low = enqueue(queued("t").priority(0));
    JobRecord high = enqueue(queued("t").priority(10));
    JobRecord negative = enqueue(queued("t").priority(-5));
    JobRecord mid = enqueue(queued("t").priority(5));

    assertThat(ids(lease(10, QUEUE))).containsExactly(high.id(), mid.id(), low.id(), negative.id());
  }

  @Test
  final void leaseIsFifoWithinOnePriority() {
    List<JobRecord> batch = queued("t").priority(3).build(clock, 3);
    broker.enqueue(batch);
    clock.advance(Duration.ofMillis(5));
    JobRecord later = enqueue(queued("t").priority(3));

    assertThat(ids(lease(1, QUEUE))).containsExactly(batch.get(0).id());
    assertThat(ids(lease(10, QUEUE)))
        .containsExactly(batch.get(1).id(), batch.get(2).id(), later.id());
  }

  @Test
  final void leaseTakesQueuesInTheOrderRequested() {
    JobRecord urgentInA = enqueue(queued("t").queue("a").priority(100));
    JobRecord firstInB = enqueue(queued("t").queue("b"));
    JobRecord secondInB = enqueue(queued("t").queue("b"));
    JobRecord inC = enqueue(queued("t").queue("c"));

    assertThat(ids(lease(3, "b", "a")))
        .containsExactly(firstInB.id(), secondInB.id(), urgentInA.id());
    assertThat(job(inC.id()).state()).as("a queue not asked for").isEqualTo(JobState.QUEUED);
  }

  @Test
  final void leaseTakesNoMoreThanMax() {
    List<JobRecord> jobs = queued("t").build(clock, 5);
    broker.enqueue(jobs);

    assertThat(ids(lease(3, QUEUE)))
        .containsExactly(jobs.get(0).id(), jobs.get(1).id(), jobs.get(2).id());
    assertThat(ids(lease(3, QUEUE))).containsExactly(jobs.get(3).id(), jobs.get(4).id());
    assertThat(lease(3, QUEUE)).isEmpty();
  }

  @Test
  final void leaseOfAQueueWithNothingDueIsEmpty() {
    enqueue(queued("t").queue("other"));

    assertThat(lease(5, QUEUE)).isEmpty();
    assertThat(lease(5, "never-used")).isEmpty();
  }

  @Test
  final void aJobWhoseRunAtHasNotComeIsNotLeasedAndIsLeasedOnceTheClockReachesIt() {
    Instant runAt = START.plus(Duration.ofMinutes(5));
    JobRecord later = enqueue(scheduled("t", runAt));
    JobRecord now = enqueue(queued("t"));

    assertThat(ids(lease(10, QUEUE))).containsExactly(now.id());
    clock.set(runAt.minusMillis(1));
    assertThat(lease(10, QUEUE)).isEmpty();
    assertThatJob(job(later.id())).isInState(JobState.SCHEDULED).hasAttempts(0);

    clock.set(runAt);
    assertThat(ids(lease(10, QUEUE))).containsExactly(later.id());
  }

  @Test
  final void leaseMarksTheJobRunningCountsTheAttemptAndRecordsWorkerStartAndExpiry() {
    JobRecord given = enqueue(queued("t").input("{\"n\":42}"));
    Instant leasedAt = clock.advance(Duration.ofSeconds(3));

    List<Lease> leases =
        broker.lease(new LeaseRequest(List.of(QUEUE), 1, "worker-7", Duration.ofSeconds(45)));

    assertThat(leases).hasSize(1);
    Lease lease = leases.get(0);
    Instant expiry = leasedAt.plus(Duration.ofSeconds(45));
    assertThat(lease.token()).isNotBlank();
    assertThat(lease.expiresAt()).isEqualTo(expiry);
    assertThatJob(lease.job())
        .keepsWhatWasEnqueued(given)
        .isInState(JobState.RUNNING)
        .hasAttempts(1)
        .isLeasedTo("worker-7")
        .wasStartedAt(leasedAt)
        .hasLeaseExpiringAt(expiry);
    assertThatJob(job(given.id()))
        .keepsWhatWasEnqueued(given)
        .isInState(JobState.RUNNING)
        .hasAttempts(1)
        .isLeasedTo("worker-7")
        .wasStartedAt(leasedAt)
        .hasLeaseExpiringAt(expiry)
        .isNotFinished();
  }

  @Test
  final void aLeasedJobIsNotLeasedAgainWhileItsLeaseIsLive() {
    JobRecord only = enqueue(queued("t"));
    Lease first = leaseOne(QUEUE);

    assertThat(lease(10, QUEUE)).isEmpty();
    clock.set(first.expiresAt().minusMillis(1));
    broker.reapExpiredLeases();
    assertThat(lease(10, QUEUE)).isEmpty();
    assertThatJob(job(only.id())).isInState(JobState.RUNNING).hasAttempts(1);
  }

  @Test
  final void eachLeaseOfAJobIssuesADifferentToken() {
    enqueue(queued("t"));
    Lease first = leaseOne(QUEUE);
    broker.release(List.of(first.ref()));

    Lease second = leaseOne(QUEUE);

    assertThat(second.job().id()).isEqualTo(first.job().id());
    assertThat(second.token()).isNotEqualTo(first.token());
  }
}
