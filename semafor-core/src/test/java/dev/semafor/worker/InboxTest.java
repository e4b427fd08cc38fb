package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobIds;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class InboxTest {
  private final List<Assignment> taken = new CopyOnWriteArrayList<>();
  private final Inbox inbox = new Inbox(taken::add);

  private static Assignment assignment() {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task("semafor.noop")
            .runAt(now)
            .enqueuedAt(now)
            .build();
    return new Assignment(new Lease(job, "t", now.plusSeconds(60)), (a, f, m) -> {}, 0);
  }

  @Test
  void takesInFifoOrderAndStampsEachTake() throws InterruptedException {
    Assignment first = assignment();
    Assignment second = assignment();
    inbox.addAll(List.of(first, second));

    assertThat(inbox.take()).isSameAs(first);
    assertThat(inbox.poll()).isSameAs(second);
    assertThat(inbox.poll()).isNull();
    assertThat(taken).containsExactly(first, second);
    assertThat(first.startedAtNanos()).isPositive();
  }

  @Test
  void aTakeSkipsAssignmentsWhoseLeaseExpiredAndHandsThemBackTogether()
      throws InterruptedException {
    List<List<Assignment>> handedBack = new CopyOnWriteArrayList<>();
    Inbox gated =
        new Inbox(
            new Inbox.TakeListener() {
              @Override
              public void taken(Assignment a) {
                taken.add(a);
              }

              @Override
              public boolean stale(Assignment a) {
                return a.leaseExpired(1_000);
              }

              @Override
              public void handBack(List<Assignment> stale) {
                handedBack.add(List.copyOf(stale));
              }
            });
    Assignment expired = assignment();
    expired.leased(0, 500);
    Assignment alsoExpired = assignment();
    alsoExpired.leased(0, 1_000);
    Assignment live = assignment();
    live.leased(0, 5_000);
    gated.addAll(List.of(expired, alsoExpired, live));

    assertThat(gated.take()).isSameAs(live);
    assertThat(handedBack).containsExactly(List.of(expired, alsoExpired));
    assertThat(taken).containsExactly(live);
    assertThat(expired.startedAtNanos()).as("never started").isZero();
    assertThat(gated.poll()).isNull();
  }

  @Test
  void removeTakesOutOnlyAnAssignmentThatIsStillWaiting() throws InterruptedException {
    Assignment first = assignment();
    Assignment second = assignment();
    inbox.addAll(List.of(first, second));

    assertThat(inbox.take()).isSameAs(first);
    assertThat(inbox.remove(first)).as("already taken").isFalse();
    assertThat(inbox.remove(second)).isTrue();
    assertThat(inbox.poll()).isNull();
  }

  @Test
  void thePoisonPillIsNotReportedAsTaken() throws InterruptedException {
    inbox.put(Assignment.POISON);

    assertThat(inbox.take()).isSameAs(Assignment.POISON);
    assertThat(taken).isEmpty();
  }

  @Test
  void drainingHandsJobsBackWithoutMarkingThemStarted() {
    Assignment a = assignment();
    inbox.addAll(List.of(a, assignment(), assignment()));

    List<Assignment> out = new ArrayList<>();
    assertThat(inbox.drainTo(out, 2)).isEqualTo(2);
    assertThat(out).first().isSameAs(a);
    assertThat(inbox.drainTo(out)).isEqualTo(1);
    assertThat(inbox).isEmpty();
    assertThat(taken).isEmpty();
    assertThat(a.startedAtNanos()).isZero();
  }

  @Test
  void oneBatchWakesEveryWaitingMember() throws InterruptedException {
    int members = 3;
    CountDownLatch waiting = new CountDownLatch(members);
    ConcurrentLinkedQueue<Assignment> got = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      waiting.countDown();
                      got.add(inbox.take());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    waiting.await();
    // Every member is parked in take() before the batch lands (or about to be: take re-checks).
    await().atMost(Duration.ofSeconds(5)).until(() -> threads.stream().allMatch(this::isParked));

    List<Assignment> batch = List.of(assignment(), assignment(), assignment());
    inbox.addAll(batch);

    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(batch);
  }

  @Test
  void aTimedPollGivesUpWhenNothingComes() throws InterruptedException {
    assertThat(inbox.poll(1, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void refusesNullsAndDrainingIntoItself() {
    assertThatThrownBy(() -> inbox.offer(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> inbox.drainTo(inbox)).isInstanceOf(IllegalArgumentException.class);
  }

  private boolean isParked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }
}
