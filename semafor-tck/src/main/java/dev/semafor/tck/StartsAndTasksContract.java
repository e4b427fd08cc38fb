package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.ExecutionModel;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.TaskCount;
import dev.semafor.spi.WorkerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Leased is not started, and a worker leases only the tasks it has: a lease request that names
 * tasks takes only jobs of those tasks (the others keep their place); a leased job reads as waiting
 * until its start is marked or its attempt ends; stats count the leased-but-waiting apart; waiting
 * jobs are counted by queue and task; workers record the tasks they run.
 */
abstract class StartsAndTasksContract extends BrokerFixture {

  private List<Lease> leaseTasks(int max, String... tasks) {
    return broker.lease(new LeaseRequest(List.of(QUEUE), max, WORKER, LEASE, Set.of(tasks)));
  }

  private QueueStats stats() {
    return broker.stats().stream().filter(q -> q.queue().equals(QUEUE)).findFirst().orElseThrow();
  }

  @Test
  final void aRequestThatNamesTasksLeasesOnlyThoseAndTheOthersKeepTheirPlace() {
    JobRecord first = enqueue(queued("mine"));
    JobRecord other = enqueue(queued("theirs").priority(5));
    JobRecord second = enqueue(queued("mine"));

    assertThat(ids(leaseTasks(10, "mine", "also-mine"))).containsExactly(first.id(), second.id());
    JobRecord untouched = job(other.id());
    assertThat(untouched.state()).isEqualTo(JobState.QUEUED);
    assertThat(untouched.attempts()).isZero();
    assertThat(ids(leaseTasks(10, "mine"))).isEmpty();
    assertThat(ids(lease(10, QUEUE)))
        .as("a request naming no task takes any")
        .containsExactly(other.id());
  }

  @Test
  final void jobsOfOtherTasksDoNotHoldUpTheJobsBehindThem() {
    for (int i = 0; i < 5; i++) {
      enqueue(queued("theirs").priority(9));
    }
    JobRecord mine = enqueue(queued("mine"));

    assertThat(ids(leaseTasks(1, "mine"))).containsExactly(mine.id());
    assertThat(stats().count(JobState.QUEUED)).isEqualTo(5);
  }

  @Test
  final void aLeasedJobReadsAsWaitingUntilItsStartIsMarked() {
    enqueue(queued("t"));
    enqueue(queued("t"));
    List<Lease> leases = lease(2, QUEUE);

    JobRecord leased = job(leases.get(0).job().id());
    assertThat(leased.state()).isEqualTo(JobState.RUNNING);
    assertThat(leased.started()).isFalse();
    assertThat(leased.isLeasedWaiting()).isTrue();
    assertThat(leases.get(0).job().started()).as("the lease's copy").isFalse();
    assertThat(stats().leased()).isEqualTo(2);
    assertThat(stats().running()).isZero();

    broker.markStarted(List.of(leases.get(0).ref()));

    JobRecord started = job(leases.get(0).job().id());
    assertThat(started.started()).isTrue();
    assertThat(started.isLeasedWaiting()).isFalse();
    assertThat(started.state()).isEqualTo(JobState.RUNNING);
    assertThat(started.startedAt()).isEqualTo(leased.startedAt());
    assertThat(stats().leased()).isEqualTo(1);
    assertThat(stats().running()).isEqualTo(1);
    assertThat(stats().count(JobState.RUNNING)).isEqualTo(2);

    broker.markStarted(List.of(leases.get(0).ref()));
    assertThat(stats().leased()).as("marking twice changes nothing").isEqualTo(1);
  }

  @Test
  final void markingAStaleLeaseStartedChangesNothing() {
    JobRecord j = enqueue(queued("t"));
    Lease lease = leaseOne(QUEUE);
    broker.release(List.of(lease.ref()));

    broker.markStarted(List.of(lease.ref()));

    assertThat(job(j.id()).state()).isEqualTo(JobState.QUEUED);
    assertThat(job(j.id()).started()).isFalse();
    assertThat(stats().leased()).isZero();
  }

  @Test
  final void anAttemptThatEndsCountsAsStartedAndLeavesTheWaitingCount() {
    enqueue(queued("t"));
    enqueue(queued("t"));
    enqueue(queued("t"));
    List<Lease> leases = lease(3, QUEUE);
    assertThat(stats().leased()).isEqualTo(3);

    broker.complete(List.of(new Completion(leases.get(0).ref(), "1")));
    broker.fail(List.of(Failure.dead(leases.get(1).ref(), JobError.of("E", "boom"))));

    assertThat(job(leases.get(0).job().id()).started()).isTrue();
    assertThat(job(leases.get(1).job().id()).started()).isTrue();
    assertThat(stats().leased()).isEqualTo(1);
    assertThat(stats().running()).isZero();
  }

  @Test
  final void aReleasedOrReapedLeaseLeavesTheWaitingCount() {
    enqueue(queued("t"));
    enqueue(queued("t"));
    List<Lease> leases = lease(2, QUEUE);
    broker.markStarted(List.of(leases.get(1).ref()));

    broker.release(List.of(leases.get(0).ref()));
    clock.advance(LEASE.plus(Duration.ofSeconds(1)));
    broker.reapExpiredLeases();

    assertThat(stats().leased()).isZero();
    assertThat(stats().count(JobState.RUNNING)).isZero();
    Lease again = leaseOne(QUEUE);
    assertThat(again.job().started()).as("a new lease is not started").isFalse();
    assertThat(job(again.job().id()).started()).isFalse();
  }

  @Test
  final void queuedJobsAreCountedByQueueAndTask() {
    enqueue(queued("b"));
    enqueue(queued("a"));
    enqueue(queued("b"));
    enqueue(queued("a").queue("other"));
    enqueue(queued("c"));
    leaseTasks(1, "c");

    assertThat(broker.queuedTasks())
        .containsExactly(
            new TaskCount(QUEUE, "a", 1),
            new TaskCount(QUEUE, "b", 2),
            new TaskCount("other", "a", 1));
  }

  @Test
  final void aWorkerRecordsTheTasksItRunsAndAnOlderOneReadsAsAny() {
    WorkerInfo withTasks =
        new WorkerInfo(
            "w1",
            "box",
            1,
            ExecutionModel.THREADS,
            2,
            List.of(QUEUE),
            0,
            START,
            null,
            List.of("t.b", "t.a"));
    WorkerInfo older =
        new WorkerInfo("w2", "box", 2, ExecutionModel.THREADS, 2, List.of(QUEUE), 0, START, null);
    broker.registerWorker(withTasks);
    broker.registerWorker(older);
    broker.heartbeatWorker("w1", 1);

    List<WorkerInfo> workers = broker.workers();
    assertThat(workers).extracting(WorkerInfo::id).containsExactly("w1", "w2");
    assertThat(workers.get(0).tasks()).containsExactly("t.a", "t.b");
    assertThat(workers.get(0).serves(QUEUE, "t.a")).isTrue();
    assertThat(workers.get(0).serves(QUEUE, "t.c")).isFalse();
    assertThat(workers.get(1).tasks()).isEmpty();
    assertThat(workers.get(1).serves(QUEUE, "t.c")).isTrue();
  }
}
