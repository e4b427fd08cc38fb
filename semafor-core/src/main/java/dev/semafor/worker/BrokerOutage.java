package dev.semafor.worker;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * One worker loop's view of its broker failing: a database restart makes every call fail until the
 * server is back, and a loop that logged each failure would write a line per poll. This logs the
 * first failure of a run of failures as a warning, the rest at debug, and one line when a call
 * works again; and it grows the pause between tries (doubling from {@code first} up to {@link
 * #MAX_PAUSE}) so that a worker does not hammer a server that is starting up.
 *
 * <p>Used by one thread (the loop that owns it).
 */
final class BrokerOutage {
  static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  private final Logger log;
  private final String what;
  private final long firstNanos;
  private int failures;
  private long sinceNanos;

  /**
   * @param what what the loop does, for the log lines ("worker w-1: fetching")
   * @param first the pause after the first failure
   */
  BrokerOutage(Logger log, String what, Duration first) {
    this.log = log;
    this.what = what;
    this.firstNanos = Math.max(1, Math.min(first.toNanos(), MAX_PAUSE.toNanos()));
  }

  /** Records a failed call; returns how long to pause before the next try, in nanoseconds. */
  long failed(Throwable t) {
    if (failures++ == 0) {
      sinceNanos = System.nanoTime();
      log.warn("{} failed, retrying until it works again: {}", what, t.toString());
    } else {
      log.debug("{} failed again ({} in a row): {}", what, failures, t.toString());
    }
    long pause = firstNanos << Math.min(failures - 1, 20);
    return pause <= 0 ? MAX_PAUSE.toNanos() : Math.min(pause, MAX_PAUSE.toNanos());
  }

  /** Records a call that worked; after failures, says so once. */
  void succeeded() {
    if (failures > 0) {
      log.info(
          "{} works again after {} failed tries in {} s",
          what,
          failures,
          Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds());
      failures = 0;
    }
  }

  /** Whether the last call failed. */
  boolean failing() {
    return failures > 0;
  }
}
