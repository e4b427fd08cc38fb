package dev.semafor.cli;

import java.util.function.Function;

/** Checks of flag values whose messages come from the library: each then names its flag. */
final class Flags {
  private Flags() {}

  /**
   * {@code check(value)}, its {@link IllegalArgumentException} prefixed with {@code flag}:
   * "--queue: queue name must not be blank" rather than a line the user cannot trace to a flag.
   */
  static <T, R> R check(String flag, T value, Function<T, R> check) {
    try {
      return check.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }
}
