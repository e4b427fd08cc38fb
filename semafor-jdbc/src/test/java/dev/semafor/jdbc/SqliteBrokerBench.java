package dev.semafor.jdbc;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.broker.Broker;
import dev.semafor.broker.Brokers;
import dev.semafor.broker.Completion;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A micro-benchmark of the SQLite broker alone (no worker): enqueue N noop jobs in batches, then
 * lease and complete them in batches; then the same on a table that already holds a million
 * finished jobs. Prints jobs/s per phase; with {@code runs > 1}, also the medians.
 *
 * <pre>
 * mvn -pl semafor-jdbc test-compile exec... or from the IDE:
 * java -cp ... dev.semafor.jdbc.SqliteBrokerBench [jobs=200000] [finished=1000000] [batch=128] [runs=3]
 * </pre>
 */
public final class SqliteBrokerBench {
  private static final int ENQUEUE_BATCH = 1_000;

  private SqliteBrokerBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int finished = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path dir = Path.of("target", "bench");
    Files.createDirectories(dir);
    double[][] empty = new double[runs][];
    double[][] full = new double[runs][];
    for (int r = 0; r < runs; r++) {
      empty[r] = run(dir.resolve("empty.db"), jobs, 0, batch);
      full[r] = run(dir.resolve("full.db"), jobs, finished, batch);
    }
    System.out.printf("%nmedians over %d runs (jobs/s):%n", runs);
    report("empty table", empty);
    report(String.format("%,d finished", finished), full);
  }

  /** Returns {enqueue/s, lease+complete/s, end-to-end/s}. */
  static double[] run(Path file, int jobs, int finished, int batch) throws Exception {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(file + suffix));
    }
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      if (finished > 0) {
        long t = System.nanoTime();
        insertFinished(broker, finished, batch);
        System.out.printf(
            "  inserted %,d finished jobs in %.1f s%n", finished, (System.nanoTime() - t) / 1e9);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < jobs; i += ENQUEUE_BATCH) {
        broker.enqueue(noops(Math.min(ENQUEUE_BATCH, jobs - i), Instant.now()));
      }
      long t1 = System.nanoTime();
      int done = drain(broker, batch);
      long t2 = System.nanoTime();
      if (done != jobs) {
        throw new IllegalStateException("drained " + done + " of " + jobs);
      }
      double[] rates = {jobs / sec(t1 - t0), jobs / sec(t2 - t1), jobs / sec(t2 - t0)};
      System.out.printf(
          "%s: enqueue %,.0f/s, lease+complete %,.0f/s, both %,.0f/s%n",
          finished == 0 ? "empty" : String.format("%,d finished", finished),
          rates[0],
          rates[1],
          rates[2]);
      return rates;
    }
  }

  /** Leases and completes until nothing is left; returns how many were completed. */
  static int drain(Broker broker, int batch) {
    LeaseRequest request =
        new LeaseRequest(List.of("default"), batch, "bench", Duration.ofMinutes(5));
    int done = 0;
    while (true) {
      List<Lease> leases = broker.lease(request);
      if (leases.isEmpty()) {
        return done;
      }
      List<Completion> completions = new ArrayList<>(leases.size());
      for (Lease lease : leases) {
        completions.add(new Completion(lease.ref(), "null"));
      }
      broker.complete(completions);
      done += leases.size();
    }
  }

  /** Fills the table with finished jobs by the broker's own paths: enqueue, lease, complete. */
  static void insertFinished(Broker broker, int count, int batch) {
    for (int i = 0; i < count; i += ENQUEUE_BATCH * 10) {
      broker.enqueue(noops(Math.min(ENQUEUE_BATCH * 10, count - i), Instant.now()));
      drain(broker, Math.max(batch, 1_000));
    }
  }

  static List<JobRecord> noops(int n, Instant now) {
    List<JobRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          JobRecord.builder()
              .id(JobIds.next(now))
              .task("semafor.noop")
              .state(JobState.QUEUED)
              .input("{}")
              .runAt(now)
              .enqueuedAt(now)
              .build());
    }
    return out;
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }

  private static void report(String label, double[][] runs) {
    String[] names = {"enqueue", "lease+complete", "both"};
    StringBuilder line = new StringBuilder(String.format("  %-20s", label));
    for (int k = 0; k < names.length; k++) {
      double[] v = new double[runs.length];
      for (int r = 0; r < runs.length; r++) {
        v[r] = runs[r][k];
      }
      Arrays.sort(v);
      line.append(String.format("  %s %,.0f", names[k], v[v.length / 2]));
    }
    System.out.println(line);
  }
}
