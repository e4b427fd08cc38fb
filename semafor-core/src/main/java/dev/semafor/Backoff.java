package dev.semafor;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the delay before retry {@code n} (1-based) is {@code base ·
 * 2^(n-1)}, capped at {@code max}, then spread uniformly over ±{@code jitter} of itself so that
 * jobs failing together do not retry together.
 */
public record Backoff(Duration base, Duration max, double jitter) {
  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX = Duration.ofMinutes(10);
  public static final double DEFAULT_JITTER = 0.2;
  private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);
  private static final Backoff DEFAULT = new Backoff(DEFAULT_BASE, DEFAULT_MAX, DEFAULT_JITTER);

  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative()) {
      throw new IllegalArgumentException("backoff base must not be negative: " + base);
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff max " + max + " is below its base " + base);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("backoff jitter must be in [0, 1): " + jitter);
    }
  }

  public static Backoff defaults() {
    return DEFAULT;
  }

  public static Backoff exponential(Duration base, Duration max) {
    return new Backoff(base, max, DEFAULT_JITTER);
  }

  /** No wait between attempts. */
  public static Backoff none() {
    return new Backoff(Duration.ZERO, Duration.ZERO, 0);
  }

  /**
   * The un-jittered delay before retry number {@code retry} (1 for the first retry): {@code base ·
   * 2^(retry-1)}, or {@code max} once that reaches it. Never overflows, however large the retry.
   */
  public Duration nominalDelay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1: " + retry);
    }
    long baseMs = saturatedMillis(base);
    long maxMs = saturatedMillis(max);
    int shift = retry - 1;
    if (baseMs == 0) {
      return Duration.ZERO;
    }
    // base << shift <= max  <=>  base <= max >> shift (for non-negative values, without overflow)
    if (shift >= Long.SIZE - 1 || baseMs > (maxMs >> shift)) {
      return Duration.ofMillis(maxMs);
    }
    return Duration.ofMillis(baseMs << shift);
  }

  /** The jittered delay before retry number {@code retry}. */
  public Duration delay(int retry, RandomGenerator random) {
    long ms = nominalDelay(retry).toMillis();
    if (jitter == 0 || ms == 0) {
      return Duration.ofMillis(ms);
    }
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.round(ms * factor));
  }

  /** Whole milliseconds, or {@link Long#MAX_VALUE} for a duration too long to count them. */
  private static long saturatedMillis(Duration d) {
    return d.compareTo(LONGEST) >= 0 ? Long.MAX_VALUE : d.toMillis();
  }
}
