package dev.semafor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one job is to be run. Immutable; each {@code withX}/setter-style method returns a copy.
 *
 * <pre>{@code
 * JobOptions.defaults().queue("emails").priority(5).delay(Duration.ofMinutes(1)).maxAttempts(5)
 * }</pre>
 *
 * <p>Priority: higher runs first; FIFO within one priority. Run-at and delay are exclusive: the
 * later call wins.
 */
public record JobOptions(
    String queue,
    int priority,
    Instant runAt,
    Duration delay,
    int maxAttempts,
    Backoff backoff,
    Duration timeout,
    String uniqueKey,
    String concurrencyKey,
    int concurrencyLimit) {

  public static final String DEFAULT_QUEUE = "default";
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  private static final JobOptions DEFAULTS =
      new JobOptions(
          DEFAULT_QUEUE,
          0,
          null,
          null,
          DEFAULT_MAX_ATTEMPTS,
          Backoff.defaults(),
          null,
          null,
          null,
          0);

  public JobOptions {
    queue = checkName(queue, "queue");
    Objects.requireNonNull(backoff, "backoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (delay != null && delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrencyLimit must not be negative");
    }
  }

  public static JobOptions defaults() {
    return DEFAULTS;
  }

  public JobOptions queue(String queue) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions priority(int priority) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions runAt(Instant runAt) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        null,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions delay(Duration delay) {
    return new JobOptions(
        queue,
        priority,
        null,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions maxAttempts(int maxAttempts) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions backoff(Backoff backoff) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions timeout(Duration timeout) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  public JobOptions uniqueKey(String uniqueKey) {
    return new JobOptions(
        queue,
        priority,
        runAt,
        delay,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        concurrencyKey,
        concurrencyLimit);
  }

  /** At no instant do more than {@code limit} jobs with this key run, across all workers. */
  public JobOptions concurrency(String key, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("concurrency limit must be at least 1: " + limit);
    }
    return new JobOptions(
        queue, priority, runAt, delay, maxAttempts, backoff, timeout, uniqueKey, key, limit);
  }

  /** The instant the job may first run, given the time it is enqueued. */
  public Instant effectiveRunAt(Instant now) {
    if (runAt != null) {
      return runAt;
    }
    return delay == null ? now : now.plus(delay);
  }

  static String checkName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " name must not be blank");
    }
    if (name.length() > 200) {
      throw new IllegalArgumentException(what + " name is longer than 200 characters");
    }
    return name;
  }
}
