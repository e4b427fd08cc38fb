package dev.semafor.jdbc;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A micro-benchmark of the SQLite broker alone, no worker: enqueue N noop jobs in batches of 1,000,
 * then lease batches of {@code batch} and complete each batch, on one thread; first on an empty
 * table, then on one that already holds a million finished jobs. Prints jobs/s per phase and, over
 * the runs, the medians. Files go to {@code target/bench/}.
 *
 * <pre>
 * mvn -B -pl semafor-jdbc -am test-compile
 * java --enable-native-access=ALL-UNNAMED -cp "semafor-jdbc/target/test-classes:semafor-jdbc/target/classes:$(cat cp.txt)" \
 *     dev.semafor.jdbc.SqliteBrokerBench [jobs=200000] [finished=1000000] [batch=128] [runs=3]
 * </pre>
 *
 * (with {@code cp.txt} from {@code mvn -pl semafor-jdbc dependency:build-classpath
 * -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}).
 */
public final class SqliteBrokerBench {
  private static final int ENQUEUE_BATCH = 1_000;
  private static final int SEED_BATCH = 50_000;

  private SqliteBrokerBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int finished = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path dir = Files.createDirectories(Path.of("target", "bench"));
    double[][] empty = new double[runs][];
    double[][] full = new double[runs][];
    for (int r = 0; r < runs; r++) {
      empty[r] = run(dir.resolve("empty.db"), jobs, 0, batch);
      full[r] = run(dir.resolve("full.db"), jobs, finished, batch);
    }
    System.out.printf(
        "%nmedians of %d runs, %,d jobs, lease batch %d (jobs/s):%n", runs, jobs, batch);
    report("empty table", empty);
    report(String.format("%,d finished", finished), full);
  }

  /** Returns {enqueue/s, lease+complete/s, both/s}. */
  static double[] run(Path file, int jobs, int finished, int batch) throws Exception {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(file + suffix));
    }
    if (finished > 0) {
      long t = System.nanoTime();
      seedFinished(file, finished);
      System.out.printf(
          "  seeded %,d finished jobs in %.1f s%n", finished, (System.nanoTime() - t) / 1e9);
    }
    try (Broker broker = Brokers.open("sqlite:" + file)) {
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
          "%-20s enqueue %,8.0f/s   lease+complete %,8.0f/s   both %,8.0f/s%n",
          finished == 0 ? "empty table:" : String.format("%,d finished:", finished),
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

  /**
   * Writes {@code count} jobs that finished yesterday straight into the table, {@value #SEED_BATCH}
   * rows per transaction: as the broker would have left them, without running them.
   */
  static void seedFinished(Path file, int count) throws SQLException {
    Brokers.open("sqlite:" + file).close(); // creates the schema
    SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(file.toString()));
    Instant yesterday = Instant.now().minus(Duration.ofDays(1));
    try (Session s = new Session(dialect.connect(Dialect.Role.WRITER))) {
      PreparedStatement insert = s.prepare(JobRows.INSERT);
      for (int i = 0; i < count; i += SEED_BATCH) {
        s.execute("BEGIN IMMEDIATE");
        for (JobRecord job : noops(Math.min(SEED_BATCH, count - i), yesterday)) {
          JobRows.bindInsert(
              insert,
              job.toBuilder()
                  .state(JobState.SUCCEEDED)
                  .attempts(1)
                  .startedAt(yesterday)
                  .finishedAt(yesterday)
                  .workerId("seed")
                  .result("null")
                  .progress(1.0)
                  .build());
          insert.addBatch();
        }
        insert.executeBatch();
        s.execute("COMMIT");
      }
    } finally {
      dialect.close();
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
      line.append(String.format("   %s %,.0f", names[k], v[v.length / 2]));
    }
    System.out.println(line);
  }
}
