package dev.semafor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floors Semafor's hot paths are measured against in docs/benchmarks.md's "limits" section:
 * what this machine does on each path with no queue at all, so that a figure like "960k jobs/s"
 * reads as a fraction of what is possible rather than on its own.
 *
 * <ul>
 *   <li>{@link Pool#handOff}: the memory path's floor — two platform threads taking no-op tasks one
 *       by one from a {@code newFixedThreadPool(2)}, the least a two-thread worker can pay for a
 *       hand-off per job, with nothing durable and nothing recorded.
 *   <li>{@link Sqlite#enqueueLeaseComplete}: the SQLite path's floor — one connection on a WAL
 *       file, a narrow table with an integer ready index, and per round of {@value #ROUND} jobs the
 *       three statements a queue cannot do without (insert, lease with {@code UPDATE … RETURNING
 *       id}, set-based complete): the insert in one transaction, as a producer commits, lease and
 *       complete in another, at Semafor's own durability setting ({@code synchronous=NORMAL}).
 *       Finished rows stay in the table, as Semafor keeps them.
 * </ul>
 */
public class FloorBenchmark {
  static final int TASKS = 1_000_000;
  static final int ROUND = 128;

  /** Two threads, one hand-off per task. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 7)
  @Fork(1)
  public static class Pool {
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void start() {
      pool = Executors.newFixedThreadPool(2);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long handOff() throws InterruptedException {
      CountDownLatch done = new CountDownLatch(TASKS);
      for (int i = 0; i < TASKS; i++) {
        pool.execute(done::countDown);
      }
      done.await();
      return done.getCount();
    }
  }

  /** One connection, one narrow table, insert + lease + complete per round, one commit. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public static class Sqlite {
    private Path dir;
    private Connection db;
    private PreparedStatement insert;
    private PreparedStatement lease;
    private PreparedStatement complete;
    private long clock;

    @Setup(Level.Trial)
    public void open() throws IOException, SQLException {
      dir = Files.createTempDirectory("semafor-jmh-floor");
      db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("floor.db"));
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute(
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, state INTEGER NOT NULL, run_at INTEGER"
                + " NOT NULL, task TEXT NOT NULL, payload TEXT, lease_until INTEGER)");
        s.execute("CREATE INDEX jobs_ready ON jobs (state, run_at) WHERE state = 0");
      }
      db.setAutoCommit(false);
      insert =
          db.prepareStatement(
              "INSERT INTO jobs (state, run_at, task, payload) VALUES (0, ?, ?, ?)");
      lease =
          db.prepareStatement(
              "UPDATE jobs SET state = 1, lease_until = ? WHERE id IN (SELECT id FROM jobs WHERE"
                  + " state = 0 AND run_at <= ? ORDER BY run_at LIMIT ?) RETURNING id");
      complete =
          db.prepareStatement(
              "UPDATE jobs SET state = 2, payload = NULL WHERE id IN (SELECT value FROM"
                  + " json_each(?)) AND state = 1");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, SQLException {
      db.close();
      BenchFiles.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND)
    public int enqueueLeaseComplete() throws SQLException {
      long now = ++clock;
      for (int i = 0; i < ROUND; i++) {
        insert.setLong(1, now);
        insert.setString(2, "semafor.noop");
        insert.setString(3, "null");
        insert.addBatch();
      }
      insert.executeBatch();
      db.commit();
      StringBuilder ids = new StringBuilder(ROUND * 8).append('[');
      lease.setLong(1, now + 300_000);
      lease.setLong(2, now);
      lease.setInt(3, ROUND);
      int leased = 0;
      try (ResultSet rs = lease.executeQuery()) {
        while (rs.next()) {
          ids.append(leased++ == 0 ? "" : ",").append(rs.getLong(1));
        }
      }
      complete.setString(1, ids.append(']').toString());
      int completed = complete.executeUpdate();
      db.commit();
      if (completed != leased) {
        throw new IllegalStateException(completed + " completed of " + leased + " leased");
      }
      return completed;
    }
  }
}
