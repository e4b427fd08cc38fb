package dev.semafor.spi;

import java.time.Duration;
import java.util.List;

/**
 * A capability: waking idle workers. A broker that can overrides {@link #awaitWork}; one that
 * cannot keeps the default, and its workers poll. Either way no work is lost: a missed wake-up
 * costs only latency. (The JDBC broker's own, package-private {@code WorkSignal} is how it
 * implements this for SQLite and PostgreSQL.)
 */
public interface WorkSignal {

  /**
   * Waits until work may have arrived on one of {@code queues}, or until {@code timeout} has
   * passed, whichever comes first; an idle worker calls it between empty leases instead of
   * sleeping. A broker that can wake idle workers (a direct signal, a file or socket watched across
   * processes, {@code LISTEN/NOTIFY}, a blocking read) returns soon after any producer enqueues a
   * due job on one of those queues, or a scheduled job on them comes due. Returning early with no
   * work is allowed (a spurious wake-up); the caller leases and, finding nothing, waits again. The
   * default cannot wake anyone: it sleeps for the timeout, and the caller polls.
   *
   * @throws InterruptedException if the calling thread is interrupted while it waits
   */
  default void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    if (nanos > 0) {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }
}
