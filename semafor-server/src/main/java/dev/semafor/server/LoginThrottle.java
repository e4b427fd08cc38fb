package dev.semafor.server;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows down guessing of the server's token: a token bucket of failed attempts per remote address.
 * An address may fail {@link #DEFAULT_BURST} times at once; after that it earns one more attempt
 * every {@link #DEFAULT_REFILL}. While its bucket is empty every attempt from it, right or wrong,
 * is answered with 429 and {@code Retry-After} before the token is even compared, so a guess cannot
 * be confirmed by waiting for a different answer. Successes cost nothing.
 *
 * <p>Addresses are the TCP peer's: behind a reverse proxy every client shares the proxy's address
 * (and its bucket). At most {@link #MAX_ADDRESSES} buckets are kept; full ones are dropped first,
 * and beyond that the newest addresses share one overflow bucket. Thread-safe (one lock).
 */
final class LoginThrottle {
  static final int DEFAULT_BURST = 10;
  static final Duration DEFAULT_REFILL = Duration.ofSeconds(6);
  static final int MAX_ADDRESSES = 10_000;
  private static final String OVERFLOW = "*";

  private final InstantSource clock;
  private final int burst;
  private final long refillNanos;

  /** Buckets by remote address. Guarded by {@code this}. */
  private final Map<String, Bucket> buckets = new HashMap<>();

  LoginThrottle(InstantSource clock) {
    this(clock, DEFAULT_BURST, DEFAULT_REFILL);
  }

  LoginThrottle(InstantSource clock, int burst, Duration refill) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (burst < 1 || !refill.isPositive()) {
      throw new IllegalArgumentException("burst must be at least 1 and refill positive");
    }
    this.burst = burst;
    this.refillNanos = refill.toNanos();
  }

  /** How long {@code address} must wait before its next attempt; zero if it may try now. */
  synchronized Duration waitFor(String address) {
    Bucket b = buckets.get(address);
    if (b == null) {
      b = buckets.get(OVERFLOW);
      if (b == null || buckets.size() < MAX_ADDRESSES) {
        return Duration.ZERO;
      }
    }
    double tokens = b.available(clock.instant());
    return tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) ((1 - tokens) * refillNanos));
  }

  /** Counts a failed attempt from {@code address}. */
  synchronized void failed(String address) {
    Instant now = clock.instant();
    Bucket b = buckets.get(address);
    if (b == null) {
      if (buckets.size() >= MAX_ADDRESSES) {
        buckets.values().removeIf(x -> x.available(now) >= burst);
      }
      String key = buckets.size() >= MAX_ADDRESSES ? OVERFLOW : address;
      b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    }
    b.take(now);
  }

  /** Tokens (attempts left) and when they were last counted. */
  private final class Bucket {
    private double tokens;
    private Instant at;

    Bucket(double tokens, Instant at) {
      this.tokens = tokens;
      this.at = at;
    }

    double available(Instant now) {
      long elapsed = Math.max(0, Duration.between(at, now).toNanos());
      return Math.min(burst, tokens + (double) elapsed / refillNanos);
    }

    void take(Instant now) {
      tokens = available(now) - 1;
      at = now;
    }
  }
}
