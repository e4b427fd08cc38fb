package dev.semafor.jdbc;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link JdbcBroker}'s idle workers learn that work arrived ({@link
 * dev.semafor.broker.Broker#awaitWork}): the dialect's ({@link Dialect#workSignal}). The broker
 * calls {@link #leasing} before each lease looks for jobs, {@link #await} when its worker is idle,
 * and {@link #added} after each commit that made jobs ready; a signal that misses a wake-up costs
 * only latency, since the worker polls at the timeout.
 */
interface WorkSignal extends AutoCloseable {

  /** Called before a lease looks for jobs: a wake-up from before this point is not awaited. */
  void leasing();

  /**
   * Waits until another commit may have made work on {@code queues} since the calling handle's last
   * {@link #leasing}, or until {@code timeout}; an interrupt ends the wait.
   */
  void await(List<String> queues, Duration timeout) throws InterruptedException;

  /** Called after a commit that made jobs ready (or scheduled them): wakes the waiting workers. */
  void added();

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
      public void added() {}

      @Override
      public void close() {}
    };
  }
}
