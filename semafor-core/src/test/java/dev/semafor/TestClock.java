package dev.semafor;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock for core tests that moves only when the test moves it (forward only). */
public final class TestClock implements InstantSource {
  private final AtomicReference<Instant> now;

  public TestClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  public Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("only forward: " + step);
    }
    return now.updateAndGet(t -> t.plus(step));
  }

  public Instant set(Instant instant) {
    return now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException("only forward: " + t + " -> " + instant);
          }
          return instant;
        });
  }
}
