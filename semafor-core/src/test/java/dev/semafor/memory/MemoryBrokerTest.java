package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
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

  private JobRecord job(String task) {
    Instant at = now.get();
    return JobRecord.builder().id(JobIds.next(at)).task(task).runAt(at).enqueuedAt(at).build();
  }

  private static LeaseRequest request(int max) {
    return new LeaseRequest(List.of("default"), max, "w", Duration.ofSeconds(30));
  }
}
