package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobError;
import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The broker's part of workflows: a chain's next step is enqueued atomically with the success
 * before it ({@link Completion#then()}); a group's last success enqueues the chord's callback once,
 * with the results in member order; a member that fails for good fails the group.
 */
public abstract class WorkflowContract extends JobControlFixture {

  /** A group of {@code size} members of task "member" with a callback of task "callback". */
  protected GroupRecord chord(int size, List<JobRecord> members) {
    String groupId = JobIds.next(clock.instant());
    JobTemplate callback =
        JobTemplate.of(
            JobIds.next(clock.instant()), "callback", JobOptions.defaults(), clock.instant());
    for (int i = 0; i < size; i++) {
      members.add(job("member").input("{\"i\":" + i + "}").groupId(groupId).groupIndex(i).build());
    }
    return GroupRecord.of(groupId, size, callback);
  }

  protected List<JobRecord> callbacks() {
    return broker.query(JobQuery.all().task("callback"));
  }

  @Test
  final void aSuccessEnqueuesTheNextStepWithIt() {
    JobRecord a = enqueue(job("a").build());
    Lease lease = lease(1).get(0);
    JobRecord b = job("b").input("\"from a\"").build();

    assertThat(broker.complete(List.of(new Completion(lease.ref(), "\"from a\"", List.of(b)))))
        .containsExactly(true);
    assertThat(get(a.id()).state()).isEqualTo(JobState.SUCCEEDED);
    JobRecord stored = get(b.id());
    assertThat(stored.state()).isEqualTo(JobState.QUEUED);
    assertThat(stored.input()).isEqualTo("\"from a\"");
    assertThat(ids(lease(1))).containsExactly(b.id());
  }

  @Test
  final void aLostLeaseEnqueuesNoNextStep() {
    enqueue(job("a").maxAttempts(2).build());
    Lease stale = lease(1).get(0);
    clock.advance(LEASE.plusSeconds(1));
    broker.reapExpiredLeases();
    Lease current = lease(1).get(0);
    JobRecord b = job("b").build();

    assertThat(broker.complete(List.of(new Completion(stale.ref(), "1", List.of(b)))))
        .containsExactly(false);
    assertThat(broker.get(b.id())).isEmpty();
    succeed(current, "2");
    assertThat(broker.get(b.id())).isEmpty();
  }

  @Test
  final void aNextStepThatExistsIsNotEnqueuedAgain() {
    JobRecord b = enqueue(job("b").build());
    enqueue(job("a").build());
    Lease a = lease(10).stream().filter(l -> l.job().task().equals("a")).findFirst().orElseThrow();

    assertThat(broker.complete(List.of(new Completion(a.ref(), "1", List.of(b)))))
        .containsExactly(true);
    assertThat(broker.query(JobQuery.all().task("b"))).hasSize(1);
  }

  @Test
  final void aDelayedNextStepIsScheduled() {
    enqueue(job("a").build());
    Lease a = lease(1).get(0);
    JobRecord b = job("b").state(JobState.SCHEDULED).runAt(clock.instant().plusSeconds(30)).build();
    broker.complete(List.of(new Completion(a.ref(), "1", List.of(b))));

    assertThat(get(b.id()).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(lease(1)).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(ids(lease(1))).containsExactly(b.id());
  }

  @Test
  final void groupMembersAreStoredAndFoundByGroup() {
    List<JobRecord> members = new ArrayList<>();
    GroupRecord group = chord(3, members);
    List<JobRecord> stored = broker.enqueueGroup(group, members);

    assertThat(stored).extracting(JobRecord::id).containsExactlyElementsOf(jobIds(members));
    List<JobRecord> found = broker.query(JobQuery.all().groupId(group.id()));
    assertThat(found).hasSize(3);
    assertThat(found.stream().sorted(Comparator.comparingInt(JobRecord::groupIndex)))
        .extracting(JobRecord::groupIndex)
        .containsExactly(0, 1, 2);
    assertThat(found).allMatch(m -> group.id().equals(m.groupId()));
    assertThat(lease(10))
        .as("leased members keep their group")
        .allMatch(l -> group.id().equals(l.job().groupId()));
    assertThat(broker.query(JobQuery.all().groupId("no-such-group"))).isEmpty();
  }

  @Test
  final void theLastSuccessEnqueuesTheCallbackWithResultsInMemberOrder() {
    List<JobRecord> members = new ArrayList<>();
    GroupRecord group = chord(3, members);
    broker.enqueueGroup(group, members);
    List<Lease> leases = lease(10);
    assertThat(leases).hasSize(3);

    succeed(byIndex(leases, 2), "\"c\"");
    succeed(byIndex(leases, 0), "{\"a\":1}");
    assertThat(callbacks()).as("not before the last member").isEmpty();
    succeed(byIndex(leases, 1), "null");

    List<JobRecord> callbacks = callbacks();
    assertThat(callbacks).hasSize(1);
    JobRecord callback = callbacks.get(0);
    assertThat(callback.id()).isEqualTo(group.callback().id());
    assertThat(callback.state()).isEqualTo(JobState.QUEUED);
    assertThat(callback.input()).isEqualTo("[{\"a\":1},null,\"c\"]");
  }

  @Test
  final void aMemberThatDiesFailsTheGroup() {
    List<JobRecord> members = new ArrayList<>();
    broker.enqueueGroup(chord(3, members), members);
    List<Lease> leases = lease(10);

    succeed(byIndex(leases, 0), "1");
    broker.fail(Failure.dead(byIndex(leases, 1).ref(), JobError.of("E", "boom")));
    succeed(byIndex(leases, 2), "3");
    assertThat(callbacks()).isEmpty();
  }

  @Test
  final void aMemberCancelledWhileWaitingFailsTheGroup() {
    List<JobRecord> members = new ArrayList<>();
    broker.enqueueGroup(chord(2, members), members);
    assertThat(broker.cancel(members.get(1).id())).isEqualTo(CancelResult.CANCELLED);

    succeed(lease(10).get(0), "1");
    assertThat(callbacks()).isEmpty();
  }

  @Test
  final void aMemberWhoseLastLeaseExpiresFailsTheGroup() {
    List<JobRecord> members = new ArrayList<>();
    GroupRecord group = chord(2, members);
    List<JobRecord> single = new ArrayList<>();
    for (JobRecord m : members) {
      single.add(m.toBuilder().maxAttempts(1).build());
    }
    broker.enqueueGroup(group, single);
    List<Lease> leases = lease(10);
    clock.advance(LEASE.plusSeconds(1));
    broker.heartbeat(List.of(byIndex(leases, 0).ref()), LEASE);
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertThat(get(members.get(1).id()).state()).isEqualTo(JobState.DEAD);

    succeed(byIndex(leases, 0), "1");
    assertThat(callbacks()).isEmpty();
  }

  @Test
  final void aGroupWithoutCallbackEnqueuesNothingMore() {
    List<JobRecord> members = new ArrayList<>();
    GroupRecord chord = chord(2, members);
    GroupRecord group = GroupRecord.of(chord.id(), 2, null);
    broker.enqueueGroup(group, members);
    for (Lease l : lease(10)) {
      succeed(l, "1");
    }
    assertThat(broker.query(JobQuery.all())).hasSize(2);
  }

  @Test
  final void membersOfAGroupStillWaitingAreNotPruned() {
    List<JobRecord> members = new ArrayList<>();
    broker.enqueueGroup(chord(2, members), members);
    List<Lease> leases = lease(10);
    succeed(byIndex(leases, 0), "\"kept\"");
    clock.advance(Duration.ofDays(2));

    assertThat(broker.prune(Duration.ofDays(1))).isZero();
    succeed(byIndex(leases, 1), "\"late\"");
    assertThat(callbacks().get(0).input()).isEqualTo("[\"kept\",\"late\"]");
    clock.advance(Duration.ofDays(2));
    assertThat(broker.prune(Duration.ofDays(1))).as("done: both members go").isEqualTo(2);
  }

  @Test
  final void aGroupWithMismatchedMembersIsRefused() {
    List<JobRecord> members = new ArrayList<>();
    GroupRecord group = chord(2, members);
    assertThatThrownBy(() -> broker.enqueueGroup(group, members.subList(0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    JobRecord wrongIndex = members.get(1).toBuilder().groupIndex(5).build();
    assertThatThrownBy(() -> broker.enqueueGroup(group, List.of(members.get(0), wrongIndex)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(broker.query(JobQuery.all())).as("all or none").isEmpty();
  }

  @Test
  final void twoLastMembersFinishingTogetherStartTheCallbackOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        List<JobRecord> members = new ArrayList<>();
        GroupRecord group = chord(10, members);
        broker.enqueueGroup(group, members);
        List<Lease> leases = lease(10);
        for (int i = 0; i < 8; i++) {
          succeed(byIndex(leases, i), Integer.toString(i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Boolean>>> done = new ArrayList<>();
        for (int i = 8; i < 10; i++) {
          Completion last = new Completion(byIndex(leases, i).ref(), Integer.toString(i));
          done.add(
              pool.submit(
                  () -> {
                    go.await();
                    return broker.complete(List.of(last));
                  }));
        }
        go.countDown();
        for (Future<List<Boolean>> f : done) {
          assertThat(f.get(30, TimeUnit.SECONDS)).containsExactly(true);
        }
        JobRecord callback = get(group.callback().id());
        assertThat(callback.input()).isEqualTo("[0,1,2,3,4,5,6,7,8,9]");
        assertThat(callbacks()).as("round " + round).hasSize(round + 1);
        succeed(lease(1).get(0), "null");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  protected static Lease byIndex(List<Lease> leases, int index) {
    return leases.stream()
        .filter(l -> l.job().groupIndex() == index)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member " + index + " in " + leases));
  }

  private static List<String> jobIds(List<JobRecord> jobs) {
    return jobs.stream().map(JobRecord::id).toList();
  }
}
