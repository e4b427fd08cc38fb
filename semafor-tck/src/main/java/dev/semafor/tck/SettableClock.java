package dev.semafor.tck;

import dev.semafor.spi.ControlledClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so expiry, backoff and run-at cases move time
 * instead of sleeping. Thread-safe: concurrent readers see every move at once.
 *
 * <p>It never moves backwards: brokers may assume time is monotonic, as a real clock is close
 * enough to be.
 */
public final class SettableClock implements ControlledClock {
  private final AtomicReference<Instant> now;

  public SettableClock(Instant start) {
    now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward by {@code step} (zero allowed) and returns the new time. */
  public Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("a settable clock only moves forward: " + step);
    }
    return now.updateAndGet(t -> t.plus(step));
  }

  /** Sets the clock to {@code instant}, which must not be before the current time. */
  public Instant set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    return now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException(
                "a settable clock only moves forward: " + t + " -> " + instant);
          }
          return instant;
        });
  }

  @Override
  public String toString() {
    return "SettableClock[" + now.get() + "]";
  }
}
