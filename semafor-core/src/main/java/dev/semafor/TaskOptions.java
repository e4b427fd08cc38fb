package dev.semafor;

import java.time.Duration;

/**
 * Defaults a task gives every job of its own that does not set them: a time limit per attempt, a
 * concurrency limit and a rate limit, both keyed by the task's name (so "at most 2 {@code
 * reports.render} at once, across all workers").
 *
 * <pre>{@code
 * registry.register("reports.render", Input.class, task,
 *     TaskOptions.defaults().timeout(Duration.ofMinutes(5)).concurrencyLimit(2));
 * }</pre>
 *
 * A client built with the registry applies them when it enqueues ({@link JobOptions#withDefaults});
 * a worker also applies the timeout to jobs enqueued without it.
 */
public record TaskOptions(
    Duration timeout, int concurrencyLimit, int ratePermits, Duration ratePeriod) {
  private static final TaskOptions NONE = new TaskOptions(null, 0, 0, null);

  public TaskOptions {
    if (timeout != null && !timeout.isPositive()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrency limit must not be negative");
    }
    if (ratePermits < 0) {
      throw new IllegalArgumentException("rate permits must not be negative");
    }
    if (ratePermits > 0 && (ratePeriod == null || !ratePeriod.isPositive())) {
      throw new IllegalArgumentException("rate limit period must be positive: " + ratePeriod);
    }
  }

  /** No defaults. */
  public static TaskOptions defaults() {
    return NONE;
  }

  public TaskOptions timeout(Duration limit) {
    return new TaskOptions(limit, concurrencyLimit, ratePermits, ratePeriod);
  }

  /** At most {@code limit} jobs of this task run at once, across all workers. */
  public TaskOptions concurrencyLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("concurrency limit must be at least 1: " + limit);
    }
    return new TaskOptions(timeout, limit, ratePermits, ratePeriod);
  }

  /** At most {@code permits} jobs of this task start per {@code period}, across all workers. */
  public TaskOptions rateLimit(int permits, Duration period) {
    if (permits < 1) {
      throw new IllegalArgumentException("rate limit permits must be at least 1: " + permits);
    }
    return new TaskOptions(timeout, concurrencyLimit, permits, period);
  }
}
