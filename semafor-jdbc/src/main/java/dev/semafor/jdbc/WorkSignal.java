package dev.semafor.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * How a {@link JdbcBroker}'s idle workers learn that work arrived ({@link
 * dev.semafor.spi.Broker#awaitWork}): the dialect's one wake-up hook ({@link Dialect#workSignal}).
 * SQLite wakes the other handles on the machine through local sockets after the commit ({@link
 * SqliteWakeUps}); PostgreSQL sends {@code NOTIFY} inside the transaction, so that it goes out with
 * the commit ({@link PostgresListener}).
 *
 * <p>The broker calls {@link #leasing} before each lease looks for jobs, {@link #adding} inside
 * each transaction that makes jobs due and {@link #added} after it commits, and {@link #await} when
 * its worker is idle. A signal that misses a wake-up costs only latency, since the worker leases
 * again at the wait's timeout.
 */
interface WorkSignal extends AutoCloseable {

  /** Called before a lease looks for jobs: a wake-up from before this point is not awaited. */
  void leasing();

  /**
   * Waits until another commit may have made work on {@code queues} since the calling thread's last
   * {@link #leasing} (or its last wait), or until {@code timeout}; an interrupt ends the wait.
   */
  void await(List<String> queues, Duration timeout) throws InterruptedException;

  /**
   * Called inside the transaction that makes jobs due on {@code queues}, before it commits: a
   * signal that the database delivers with the commit, and only if it commits. Nothing by default.
   */
  default void adding(Session s, Collection<String> queues) throws SQLException {}

  /** Called after a commit that made jobs due (or scheduled them). Nothing by default. */
  default void added() {}

  @Override
  void close();

  /** No signal: {@link #await} sleeps for the timeout, and the worker polls. */
  static WorkSignal polling() {
    return new WorkSignal() {
      @Override
      public void leasing() {}

      @Override
      public void await(List<String> queues, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        if (nanos > 0) {
          java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
        }
      }

      @Override
      public void close() {}
    };
  }
}
