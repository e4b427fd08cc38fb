package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers on one file, as two processes would have: each opens its own connections, so they
 * meet only in SQLite's file lock, exactly as separate processes do.
 */
class SqliteSharedFileTest {
  private static final int JOBS = 10_000;

  @TempDir Path dir;
  private final TestClock clock = new TestClock();

  @Test
  void threadsOfTwoBrokersOnOneFileNeverLeaseTheSameJobTwice() throws Exception {
    Path file = dir.resolve("shared.db");
    try (Broker a = Brokers.open("sqlite:" + file, clock);
        Broker b = Brokers.open("sqlite:" + file, clock)) {
      Set<String> enqueued = new HashSet<>();
      for (int i = 0; i < JOBS; i += 1_000) {
        List<JobRecord> batch = Jobs.queued("race", 1_000, clock);
        (i % 2000 == 0 ? a : b).enqueue(batch);
        batch.forEach(job -> enqueued.add(job.id()));
      }

      Map<String, List<String>> holders = race(List.of(a, a, a, b, b, b), 50);

      Map<String, List<String>> twice = new HashMap<>(holders);
      twice.values().removeIf(h -> h.size() == 1);
      assertThat(twice).as("jobs leased more than once, with their leasers").isEmpty();
      assertThat(holders.keySet()).isEqualTo(enqueued);
      assertThat(a.stats().get(0).count(JobState.RUNNING)).isEqualTo(JOBS);
    }
  }

  @Test
  void aConcurrencyLimitHoldsAcrossBrokersOnOneFile() throws Exception {
    Path file = dir.resolve("limited.db");
    try (Broker a = Brokers.open("sqlite:" + file, clock);
        Broker b = Brokers.open("sqlite:" + file, clock)) {
      List<JobRecord> jobs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        jobs.add(Jobs.queued("smtp", clock).concurrencyKey("smtp").concurrencyLimit(3).build());
      }
      a.enqueue(jobs);

      Map<String, List<String>> holders = race(List.of(a, b, a, b), 1);

      assertThat(holders).hasSize(3);
      assertThat(b.stats().get(0).count(JobState.RUNNING)).isEqualTo(3);
    }
  }

  /**
   * Lets one thread per broker in {@code leasers} lease batches of {@code batch} until it gets an
   * empty answer, all starting together; returns who received each job.
   */
  private static Map<String, List<String>> race(List<Broker> leasers, int batch) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(leasers.size());
    try {
      List<Future<List<String>>> received = new ArrayList<>();
      for (int i = 0; i < leasers.size(); i++) {
        Broker broker = leasers.get(i);
        LeaseRequest request =
            new LeaseRequest(List.of("default"), batch, "leaser-" + i, Duration.ofHours(1));
        Callable<List<String>> leaser =
            () -> {
              go.await();
              List<String> ids = new ArrayList<>();
              List<Lease> leases;
              while (!(leases = broker.lease(request)).isEmpty()) {
                leases.forEach(l -> ids.add(l.job().id()));
              }
              return ids;
            };
        received.add(pool.submit(leaser));
      }
      go.countDown();
      Map<String, List<String>> holders = new HashMap<>();
      for (int i = 0; i < received.size(); i++) {
        for (String id : received.get(i).get(2, TimeUnit.MINUTES)) {
          holders.computeIfAbsent(id, k -> new ArrayList<>()).add("leaser-" + i);
        }
      }
      return holders;
    } finally {
      pool.shutdownNow();
    }
  }
}
