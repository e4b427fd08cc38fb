package dev.semafor.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log back into the database file from a thread and connection of its own,
 * so that the writer never does.
 *
 * <p>Left to itself, SQLite checkpoints inside the commit that pushes the log past its limit: that
 * commit, holding the one write lock, copies thousands of pages and waits for two fsyncs while
 * every lease and completion queues behind it. Here the writer's automatic checkpoint is set high
 * (a backstop only), and this thread runs a {@code PASSIVE} checkpoint every {@link #INTERVAL_MS}:
 * passive checkpoints take no lock a writer needs and never wait, so they run beside the writer on
 * the other core. Once a checkpoint has copied the whole log, SQLite's next write starts the log
 * over from its beginning, so the log stays small.
 *
 * <p>Errors are logged and the loop goes on: a missed checkpoint only lets the log grow until the
 * next one (or the backstop). A fault that lasts (a full disk) is logged once, not every try, and
 * tried again every {@link #FAILING_INTERVAL_MS} until a checkpoint works again, which is logged.
 */
final class SqliteCheckpointer implements AutoCloseable {
  static final long INTERVAL_MS = 100;

  /** The interval while checkpoints fail. */
  static final long FAILING_INTERVAL_MS = 1000;

  private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);

  private final Connection connection;
  private final String name;
  private final Thread thread;
  private volatile boolean stopped;

  /** Checkpoints through {@code connection}, which it owns and closes. */
  SqliteCheckpointer(Connection connection, String name) {
    this.connection = connection;
    this.name = name;
    this.thread =
        Thread.ofPlatform().name("semafor-sqlite-checkpoint").daemon(true).unstarted(this::loop);
  }

  SqliteCheckpointer start() {
    thread.start();
    return this;
  }

  private void loop() {
    // Prepared once: a plain Statement has the driver look the text over again on every run
    // (ten times a second, on a machine whose cores the jobs want).
    try (PreparedStatement st = connection.prepareStatement("PRAGMA wal_checkpoint(PASSIVE)")) {
      String failing = null;
      while (!stopped) {
        long interval = failing == null ? INTERVAL_MS : FAILING_INTERVAL_MS;
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(interval));
        if (stopped) {
          return;
        }
        try {
          // Its one row (busy, log frames, frames checkpointed) has nothing to act on; the
          // statement closes it when it runs again.
          st.execute();
          if (failing != null) {
            log.info("background checkpoints of {} work again", name);
            failing = null;
          }
        } catch (SQLException e) {
          if (!String.valueOf(e.getMessage()).equals(failing)) {
            log.warn("background checkpoint of {} failed, will retry: {}", name, e.getMessage());
          }
          failing = String.valueOf(e.getMessage());
        }
      }
    } catch (SQLException e) {
      log.warn("background checkpoints of {} stopped: {}", name, e.getMessage());
    }
  }

  /** Stops the thread and closes its connection. */
  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the checkpoint connection of {}: {}", name, e.getMessage());
    }
  }
}
