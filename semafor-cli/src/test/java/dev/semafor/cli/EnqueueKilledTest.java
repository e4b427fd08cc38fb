package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.QueueStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer killed (SIGKILL) in the middle of {@code enqueue --count} leaves all its jobs or none:
 * the copies are one broker call, one SQLite transaction. (With one transaction per batch of
 * 10,000, as before, a kill after seconds of writing left whole batches behind.)
 */
class EnqueueKilledTest {
  private static final int COUNT = EnqueueCommand.MAX_COUNT;

  /** How long the producer must have held the write lock before it is killed. */
  private static final Duration WRITING = Duration.ofSeconds(2);

  @Test
  void killedWhileWritingItLeavesNothing(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("semafor.db");
    String url = "sqlite:" + db;
    try (Broker broker = Brokers.open(url)) {
      broker.stats(); // the schema exists before the producer starts
    }
    Process producer =
        CliProcess.start(
            dir, "enqueue", "semafor.noop", "--broker", url, "--count", String.valueOf(COUNT));
    boolean killedWhileWriting;
    try (Connection probe = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      LockWatch watch = new LockWatch(probe);
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !producer.isAlive() || watch.busyFor().compareTo(WRITING) >= 0);
      killedWhileWriting = producer.isAlive();
      producer.destroyForcibly(); // SIGKILL
      assertThat(producer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      producer.destroyForcibly();
    }
    try (Broker broker = Brokers.open(url)) {
      long stored = broker.stats().stream().mapToLong(QueueStats::total).sum();
      assertThat(stored)
          .as("jobs stored by a producer killed %s", killedWhileWriting ? "while writing" : "after")
          .isEqualTo(killedWhileWriting ? 0L : COUNT);
    }
  }

  /** Adds up the time another connection holds SQLite's write lock, seen by polling. */
  private static final class LockWatch {
    private final Connection probe;
    private long busyNanos;
    private long lastPoll = System.nanoTime();

    LockWatch(Connection probe) throws SQLException {
      this.probe = probe;
      try (Statement s = probe.createStatement()) {
        s.execute("PRAGMA busy_timeout = 0");
      }
    }

    Duration busyFor() throws SQLException {
      long now = System.nanoTime();
      if (writeLockTaken()) {
        busyNanos += now - lastPoll;
      }
      lastPoll = now;
      return Duration.ofNanos(busyNanos);
    }

    private boolean writeLockTaken() throws SQLException {
      try (Statement s = probe.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        s.execute("ROLLBACK");
        return false;
      } catch (SQLException e) {
        if (e.getErrorCode() == 5 || e.getErrorCode() == 6) { // SQLITE_BUSY, SQLITE_LOCKED
          return true;
        }
        throw e;
      }
    }
  }
}
