package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker's held leases, kept by lease batch. */
class HeldLeasesTest {
  private final HeldLeases held = new HeldLeases();

  private static List<Assignment> assignments(int n, String prefix) {
    List<Assignment> out = new ArrayList<>();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      JobRecord job =
          JobRecord.builder()
              .id(prefix + i)
              .task("t")
              .state(JobState.RUNNING)
              .runAt(now)
              .enqueuedAt(now)
              .attempts(1)
              .build();
      out.add(new Assignment(new Lease(job, "tok", now.plusSeconds(60)), (a, f, m) -> {}, 0));
    }
    return out;
  }

  @Test
  void aBatchIsHeldUntilItsLastJobIsRemovedAndEachJobIsRemovedOnce() {
    List<Assignment> first = assignments(3, "a");
    List<Assignment> second = assignments(2, "b");
    held.addAll(first);
    held.addAll(second);
    assertThat(held.size()).isEqualTo(5);
    assertThat(held.leasedTotal()).isEqualTo(5);

    assertThat(held.remove(first.get(1))).isTrue();
    assertThat(held.remove(first.get(1))).isFalse();
    assertThat(held.size()).isEqualTo(4);
    assertThat(held.snapshot())
        .containsExactlyInAnyOrder(first.get(0), first.get(2), second.get(0), second.get(1));

    assertThat(held.removeAll(first)).containsExactly(first.get(0).ref(), first.get(2).ref());
    assertThat(held.snapshot()).containsExactlyInAnyOrderElementsOf(second);
    assertThat(held.clear()).containsExactlyInAnyOrder(second.get(0).ref(), second.get(1).ref());
    assertThat(held.isEmpty()).isTrue();
    assertThat(held.snapshot()).isEmpty();
    assertThat(held.leasedTotal()).isEqualTo(5);
  }

  @Test
  void anAssignmentNeverHeldIsNotRemovedAndOneHeldIsNotHeldTwice() {
    Assignment never = assignments(1, "n").get(0);
    assertThat(held.remove(never)).isFalse();
    assertThat(held.size()).isZero();

    Assignment once = assignments(1, "o").get(0);
    held.add(once);
    assertThatThrownBy(() -> held.add(once)).isInstanceOf(IllegalArgumentException.class);
    assertThat(held.remove(once)).isTrue();
    assertThat(held.remove(once)).isFalse();
  }

  @Test
  void runningAndStartedUnreportedSkipJobsNoLongerHeld() {
    List<Assignment> jobs = assignments(3, "r");
    held.addAll(jobs);
    jobs.forEach(Assignment::markStarted);
    jobs.get(0).markFinished();
    held.remove(jobs.get(1));

    assertThat(held.running()).containsExactly(jobs.get(2));
    assertThat(held.startedUnreported()).containsExactly(jobs.get(2));
  }

  @Test
  void ofTwoThreadsRemovingTheSameJobsAtOnceEachJobGoesToExactlyOne() throws Exception {
    List<Assignment> jobs = assignments(2000, "c");
    held.addAll(jobs.subList(0, 1000));
    held.addAll(jobs.subList(1000, 2000));
    AtomicInteger removed = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (Assignment a : jobs) {
                      if (held.remove(a)) {
                        removed.incrementAndGet();
                      }
                    }
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(removed).hasValue(2000);
    assertThat(held.size()).isZero();
    assertThat(held.snapshot()).isEmpty();
  }

  @Test
  void removeEachDropsTheHeldOnesOfAListSpanningBatchesAndCountsThemOnce() {
    List<Assignment> first = assignments(3, "x");
    List<Assignment> second = assignments(3, "y");
    held.addAll(first);
    held.addAll(second);
    held.remove(first.get(0));

    held.removeEach(
        List.of(first.get(0), first.get(1), second.get(0), first.get(2), second.get(1)));

    assertThat(held.size()).isEqualTo(1);
    assertThat(held.snapshot()).containsExactly(second.get(2));
    assertThat(held.remove(second.get(2))).isTrue();
    assertThat(held.isEmpty()).isTrue();
    assertThat(held.snapshot()).isEmpty();
  }
}
