package dev.semafor.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The retries of a loop whose broker calls fail for a while (a full disk, a broker that is
 * restarting): how long to wait before the next try, and which failures to log, so that a fault
 * that lasts does not fill the log with one line per try.
 *
 * <p>The wait doubles from {@code first} up to {@code max}. The first failure is a warning; a
 * failure with another message is an info line, and otherwise one warning per {@link #REPEAT} says
 * how many tries failed since; the first success after failures is logged too, so an outage reads
 * as one warning per loop and one line when it ends. Used by one thread.
 */
final class RetryLog {
  /** How often a failure that goes on is logged again. */
  static final Duration REPEAT = Duration.ofMinutes(1);

  private final Logger log;
  private final String doing;
  private final long firstNanos;
  private final long maxNanos;
  private final LongSupplier nanoTime;

  private int failures;
  private long waitNanos;
  private String lastMessage;
  private long loggedAt;

  /**
   * @param doing what failed, as the start of a log line ("worker w1: fetching")
   * @param nanoTime the clock that spaces the repeated lines ({@code System::nanoTime})
   */
  RetryLog(Logger log, String doing, Duration first, Duration max, LongSupplier nanoTime) {
    this.log = Objects.requireNonNull(log, "log");
    this.doing = Objects.requireNonNull(doing, "doing");
    this.firstNanos = first.toNanos();
    this.maxNanos = Math.max(firstNanos, max.toNanos());
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Records a failed try, logs it if it is news, and returns how long to wait, in nanoseconds. */
  long failed(Throwable t) {
    failures++;
    waitNanos = failures == 1 ? firstNanos : Math.min(maxNanos, waitNanos * 2);
    String message = t.toString();
    long now = nanoTime.getAsLong();
    if (failures == 1) {
      log.warn(
          "{} failed, will retry (backing off up to {} ms): {}",
          doing,
          maxNanos / 1_000_000,
          message);
      loggedAt = now;
    } else if (!message.equals(lastMessage)) {
      // the same outage seen another way (a restarting server refuses, then says it is starting):
      // news, but not another warning
      log.info("{} still failing, now: {}", doing, message);
      loggedAt = now;
    } else if (now - loggedAt >= REPEAT.toNanos()) {
      log.warn("{} still failing after {} tries: {}", doing, failures, message);
      loggedAt = now;
    }
    lastMessage = message;
    return waitNanos;
  }

  /** Records a try that worked; after failures, says so once. */
  void succeeded() {
    if (failures > 0) {
      log.info("{} works again after {} failed tries", doing, failures);
      failures = 0;
      lastMessage = null;
    }
  }

  /** How many tries in a row have failed. */
  int failures() {
    return failures;
  }
}
