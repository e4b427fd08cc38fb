package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many leasers at once, on real threads: while leases are live, no job is handed to two of them.
 * The leasers start together on a latch, so they contend from the first call.
 */
abstract class ConcurrentLeaseContract extends BrokerFixture {
  private static final int JOBS = 20_000;
  private static final int LEASERS = 8;
  private static final int BATCH = 32;
  private static final int ENQUEUE_BATCH = 1_000;

  @Test
  final void manyConcurrentLeasersNeverReceiveTheSameJobTwiceWhileLeasesAreLive() throws Exception {
    Set<String> enqueued = new HashSet<>();
    for (int i = 0; i < JOBS; i += ENQUEUE_BATCH) {
      List<JobRecord> batch = queued("race").priority(i % 3).build(clock, ENQUEUE_BATCH);
      broker.enqueue(batch);
      batch.forEach(job -> enqueued.add(job.id()));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(LEASERS);
    try {
      for (int i = 0; i < LEASERS; i++) {
        results.add(pool.submit(leaser("leaser-" + i, start)));
      }
      start.countDown();
      Map<String, List<String>> holders = new HashMap<>();
      for (int i = 0; i < LEASERS; i++) {
        for (String id : results.get(i).get(2, TimeUnit.MINUTES)) {
          holders.computeIfAbsent(id, k -> new ArrayList<>()).add("leaser-" + i);
        }
      }
      // A leaser may stop early on an empty answer under contention; what is left is still due.
      for (Lease lease : broker.lease(new LeaseRequest(List.of(QUEUE), JOBS, "main", LEASE))) {
        holders.computeIfAbsent(lease.job().id(), k -> new ArrayList<>()).add("main");
      }

      Map<String, List<String>> twice = new HashMap<>(holders);
      twice.values().removeIf(h -> h.size() == 1);
      assertThat(twice).as("jobs leased more than once, with their leasers").isEmpty();
      Set<String> neverLeased = new HashSet<>(enqueued);
      neverLeased.removeAll(holders.keySet());
      assertThat(neverLeased).as("jobs never leased").isEmpty();
      assertThat(holders).as("jobs leased").hasSize(JOBS);
      QueueStats stats = broker.stats().get(0);
      assertThat(stats.count(JobState.RUNNING)).isEqualTo(JOBS);
      assertThat(stats.total()).isEqualTo(JOBS);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
  }

  /** Leases batches until the broker has nothing left to give; returns the ids it received. */
  private Callable<List<String>> leaser(String workerId, CountDownLatch start) {
    LeaseRequest request = new LeaseRequest(List.of(QUEUE), BATCH, workerId, Duration.ofHours(1));
    return () -> {
      List<String> received = new ArrayList<>();
      start.await();
      List<Lease> leases;
      while (!(leases = broker.lease(request)).isEmpty()) {
        for (Lease lease : leases) {
          assertThat(lease.job().workerId()).isEqualTo(workerId);
          received.add(lease.job().id());
        }
      }
      return received;
    };
  }
}
