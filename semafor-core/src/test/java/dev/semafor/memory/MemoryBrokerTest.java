package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the memory broker does beyond the shared contract (which {@code semafor-tck} checks): its
 * own bookkeeping and the concurrency limits it already enforces.
 */
class MemoryBrokerTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(START);
  private final MemoryBroker broker = new MemoryBroker(now::get);

  @Test
  void aClosedBrokerRefusesCallsAsUnavailable() {
    broker.close();

    assertThatThrownBy(() -> broker.lease(request(1)))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessage("memory broker is closed");
    assertThatThrownBy(() -> broker.enqueue(List.of(job("t"))))
        .isInstanceOf(BrokerUnavailableException.class);
  }

  @Test
  void enqueueReturnsTheJobsAsStored() {
    JobRecord dueAlready =
        job("t").toBuilder().state(JobState.SCHEDULED).runAt(START.minusSeconds(1)).build();
    JobRecord notYet = job("t").toBuilder().runAt(START.plusSeconds(60)).build();

    List<JobRecord> stored = broker.enqueue(List.of(dueAlready, notYet));

    assertThat(stored)
        .extracting(JobRecord::state)
        .containsExactly(JobState.QUEUED, JobState.SCHEDULED);
    assertThat(broker.get(notYet.id()).orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void aJobEnqueuedQueuedWithARunAtToComeWaitsForItAndIsThenLeased() {
    JobRecord notYet = job("t").toBuilder().runAt(START.plusSeconds(60)).build();
    broker.enqueue(List.of(notYet));

    assertThat(broker.lease(request(10))).isEmpty();
    now.set(START.plusSeconds(60));
    assertThat(broker.lease(request(10)))
        .extracting(l -> l.job().id())
        .containsExactly(notYet.id());
  }

  @Test
  void cancelledJobsLeftInTheReadyHeapDoNotBlockLeasing() {
    List<JobRecord> cancelled = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      cancelled.add(job("t"));
    }
    broker.enqueue(cancelled);
    cancelled.forEach(j -> broker.cancel(j.id()));
    JobRecord live = job("t");
    broker.enqueue(List.of(live));

    assertThat(broker.lease(request(10))).extracting(l -> l.job().id()).containsExactly(live.id());
  }

  @Test
  void noMoreJobsOfAConcurrencyKeyRunThanItsLimit() {
    List<JobRecord> limited = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      limited.add(job("t").toBuilder().concurrencyKey("smtp").concurrencyLimit(2).build());
    }
    JobRecord free = job("t");
    broker.enqueue(limited);
    broker.enqueue(List.of(free));

    List<Lease> first = broker.lease(request(10));

    assertThat(first)
        .extracting(l -> l.job().id())
        .containsExactly(limited.get(0).id(), limited.get(1).id(), free.id());
    broker.complete(new Completion(first.get(0).ref(), "null"));
    assertThat(broker.lease(request(10)))
        .extracting(l -> l.job().id())
        .containsExactly(limited.get(2).id());
  }

  @Test
  void statsStayExactThroughEveryTransitionAndPrune() {
    broker.enqueue(List.of(job("a"), job("b"), job("c")));
    List<Lease> leases = broker.lease(request(2));
    broker.complete(new Completion(leases.get(0).ref(), "null"));
    broker.release(List.of(leases.get(1).ref()));
    now.set(START.plus(Duration.ofDays(1)));

    assertThat(broker.prune(Duration.ofHours(1))).isEqualTo(1);

    QueueStats stats = broker.stats().get(0);
    assertThat(stats.count(JobState.QUEUED)).isEqualTo(2);
    assertThat(stats.count(JobState.SUCCEEDED)).isZero();
    assertThat(stats.total()).isEqualTo(2);
  }

  @Test
  void theJobsOfOneLeaseCallShareATokenAndCompleteInAnyOrder() {
    List<JobRecord> jobs = jobs(40, "t");
    broker.enqueue(jobs);
    List<Lease> leases = broker.lease(request(40));
    assertThat(leases).extracting(Lease::token).containsOnly(leases.get(0).token());

    // Out of order: from the back, then every other one, then the rest (the batch's cursor and
    // the lookup by id between them).
    List<Completion> order = new ArrayList<>();
    for (int i = 39; i >= 30; i--) {
      order.add(new Completion(leases.get(i).ref(), "null"));
    }
    for (int i = 0; i < 30; i += 2) {
      order.add(new Completion(leases.get(i).ref(), "null"));
    }
    for (int i = 1; i < 30; i += 2) {
      order.add(new Completion(leases.get(i).ref(), "null"));
    }
    assertThat(broker.complete(order)).hasSize(40).containsOnly(true);
    assertThat(broker.complete(List.of(order.get(0)))).containsExactly(false);
    for (JobRecord j : jobs) {
      assertThat(broker.get(j.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void aTokenNamesOnlyTheJobsOfItsLeaseCallAndOnlyWhileTheirLeasesLive() {
    JobRecord a = job("t");
    JobRecord b = job("t");
    broker.enqueue(List.of(a));
    Lease first = broker.lease(request(1)).get(0);
    broker.enqueue(List.of(b));
    Lease second = broker.lease(request(1)).get(0);
    assertThat(second.token()).isNotEqualTo(first.token());

    // b's id with a's token: not b's lease.
    assertThat(broker.complete(List.of(new Completion(new LeaseRef(b.id(), first.token()), "1"))))
        .containsExactly(false);
    // a released and leased again: its first token is stale, though the call's token was unique.
    broker.release(List.of(first.ref()));
    Lease again = broker.lease(request(1)).get(0);
    assertThat(again.job().id()).isEqualTo(a.id());
    assertThat(broker.complete(List.of(new Completion(first.ref(), "1")))).containsExactly(false);
    assertThat(
            broker.complete(
                List.of(new Completion(again.ref(), "2"), new Completion(second.ref(), "3"))))
        .containsExactly(true, true);
    assertThat(broker.get(a.id()).orElseThrow().result()).isEqualTo("2");
    assertThat(broker.get(a.id()).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aLeaseCallWithJobsOfTwoTasksAdmitsOnlyTheRequestedOneAndKeepsTheOtherInPlace() {
    JobRecord mine1 = job("mine");
    JobRecord other = job("other");
    JobRecord mine2 = job("mine");
    broker.enqueue(List.of(mine1, other, mine2));

    List<Lease> leased =
        broker.lease(
            new LeaseRequest(
                List.of("default"), 10, "w", Duration.ofSeconds(30), java.util.Set.of("mine")));

    assertThat(leased).extracting(l -> l.job().id()).containsExactly(mine1.id(), mine2.id());
    assertThat(broker.lease(request(10))).extracting(l -> l.job().id()).containsExactly(other.id());
  }

  @Test
  void completionsOfTwoLeaseCallsInAnyOrderEachApplyOnceAndStaleOnesAreRefused() {
    List<JobRecord> jobs = jobs(40, "t");
    broker.enqueue(jobs);
    List<Lease> first = broker.lease(request(20));
    List<Lease> second = broker.lease(request(20));
    // As two pool members hand them in: every other job of a call, the calls interleaved, and a
    // stale lease (released) in the middle.
    broker.release(List.of(first.get(5).ref()));
    String stale = first.get(5).job().id();
    List<Completion> completions = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (int start = 0; start < 2; start++) {
      for (int i = start; i < 20; i += 2) {
        for (Lease l : List.of(first.get(i), second.get(19 - i))) {
          completions.add(new Completion(l.ref(), "1"));
          expected.add(!l.job().id().equals(stale));
        }
      }
    }

    assertThat(broker.complete(completions)).containsExactlyElementsOf(expected);
    assertThat(broker.complete(completions))
        .as("each lease ends once: the second time all are stale")
        .containsOnly(false)
        .hasSize(40);
    assertThat(
            broker.complete(
                List.of(new Completion(new LeaseRef(first.get(0).job().id(), "x"), "1"))))
        .containsExactly(false);
    for (Lease l : first) {
      JobState state = broker.get(l.job().id()).orElseThrow().state();
      assertThat(state)
          .isEqualTo(l.job().id().equals(stale) ? JobState.QUEUED : JobState.SUCCEEDED);
    }
    assertThat(second)
        .allSatisfy(
            l ->
                assertThat(broker.get(l.job().id()).orElseThrow().state())
                    .isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void anAllAppliedAnswerIsOneTruePerCompletion() {
    broker.enqueue(List.of(job("t"), job("t"), job("t")));
    List<Completion> completions = new ArrayList<>();
    for (Lease l : broker.lease(request(3))) {
      completions.add(new Completion(l.ref(), null));
    }

    assertThat(broker.complete(completions)).containsExactly(true, true, true);
    assertThat(broker.complete(List.of())).isEmpty();
  }

  @Test
  void expiredLeasesOfSeveralCallsAreReapedAndTheirJobsLeasedAgain() {
    List<JobRecord> jobs = jobs(6, "t");
    broker.enqueue(jobs);
    List<Lease> first = broker.lease(request(3));
    List<Lease> second = broker.lease(request(3));
    broker.complete(List.of(new Completion(first.get(1).ref(), "1")));

    now.set(START.plusSeconds(31));
    assertThat(broker.reapExpiredLeases()).isEqualTo(5);
    assertThat(broker.reapExpiredLeases()).isZero();
    assertThat(broker.complete(List.of(new Completion(second.get(0).ref(), "1"))))
        .containsExactly(false);
    assertThat(broker.lease(request(10))).hasSize(5);
  }

  /** {@code n} jobs of {@code task}, due now. */
  private List<JobRecord> jobs(int n, String task) {
    List<JobRecord> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(job(task));
    }
    return jobs;
  }

  private JobRecord job(String task) {
    Instant at = now.get();
    return JobRecord.builder().id(JobIds.next(at)).task(task).runAt(at).enqueuedAt(at).build();
  }

  private static LeaseRequest request(int max) {
    return new LeaseRequest(List.of("default"), max, "w", Duration.ofSeconds(30));
  }
}
