package dev.semafor.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when a test moves it. */
final class TestClock implements InstantSource {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private volatile Instant now = START;

  @Override
  public Instant instant() {
    return now;
  }

  Instant advance(Duration by) {
    now = now.plus(by);
    return now;
  }

  Instant set(Instant to) {
    now = to;
    return now;
  }
}
