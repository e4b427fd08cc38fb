package dev.semafor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one job is to be run. Immutable; each setter-style method returns a changed copy.
 *
 * <pre>{@code
 * JobOptions.defaults().queue("emails").priority(5).delay(Duration.ofMinutes(1)).maxAttempts(5)
 * }</pre>
 *
 * <p>Priority: higher runs first; FIFO within one priority. Run-at and delay are exclusive: the
 * later call wins. A run-at lies between {@link #MIN_RUN_AT} and {@link #MAX_RUN_AT}; a delay or
 * timeout is at most {@link #MAX_DURATION}. Queue names and keys are checked by {@link Names}.
 *
 * <h2>Job control</h2>
 *
 * <ul>
 *   <li>{@link #concurrency(String, int)}: at no instant do more than {@code limit} jobs with the
 *       key run, across every worker.
 *   <li>{@link #rateLimit(String, int, Duration)}: at most {@code permits} jobs with the key start
 *       in any window of {@code period}, across every worker.
 *   <li>{@link #unique(String, UniquePolicy)}: while a job with the key waits or runs, a new one is
 *       rejected (the existing one is returned) or replaces it.
 *   <li>{@link #timeout(Duration)}: an attempt that runs longer is interrupted and failed.
 * </ul>
 *
 * Jobs that share a concurrency or rate key should agree on its numbers; each job is checked
 * against its own.
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
    int concurrencyLimit,
    UniquePolicy uniquePolicy,
    String rateKey,
    int ratePermits,
    Duration ratePeriod) {

  public static final String DEFAULT_QUEUE = "default";
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /**
   * The earliest run-at accepted (the Unix epoch): earlier is surely a mistake, and every store
   * holds it as milliseconds since then.
   */
  public static final Instant MIN_RUN_AT = Instant.EPOCH;

  /**
   * The latest run-at accepted: the last instant of year 9999, as ISO-8601 writes without a sign.
   */
  public static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59.999Z");

  /** The longest delay or timeout accepted: 100 years (36,500 days). */
  public static final Duration MAX_DURATION = Duration.ofDays(36_500);

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
          0,
          UniquePolicy.REJECT,
          null,
          0,
          null);

  public JobOptions {
    Names.queue(queue);
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(uniquePolicy, "uniquePolicy");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (delay != null && (delay.isNegative() || delay.compareTo(MAX_DURATION) > 0)) {
      throw new IllegalArgumentException(
          "delay must be between 0 and " + MAX_DURATION.toDays() + " days: " + delay);
    }
    if (runAt != null && (runAt.isBefore(MIN_RUN_AT) || runAt.isAfter(MAX_RUN_AT))) {
      throw new IllegalArgumentException(
          "run-at must be between " + MIN_RUN_AT + " and " + MAX_RUN_AT + ": " + runAt);
    }
    if (timeout != null
        && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_DURATION) > 0)) {
      throw new IllegalArgumentException(
          "timeout must be positive and at most " + MAX_DURATION.toDays() + " days: " + timeout);
    }
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrencyLimit must not be negative");
    }
    if (concurrencyKey != null && concurrencyLimit < 1) {
      throw new IllegalArgumentException(
          "concurrency key '" + concurrencyKey + "' needs a limit of at least 1");
    }
    if (concurrencyKey != null) {
      Names.key(concurrencyKey, "concurrency key");
    }
    if (uniqueKey != null) {
      Names.key(uniqueKey, "unique key");
    }
    if (rateKey != null) {
      Names.key(rateKey, "rate key");
      if (ratePermits < 1) {
        throw new IllegalArgumentException("rate limit permits must be at least 1: " + ratePermits);
      }
      if (ratePeriod == null || !ratePeriod.isPositive()) {
        throw new IllegalArgumentException("rate limit period must be positive: " + ratePeriod);
      }
    }
  }

  public static JobOptions defaults() {
    return DEFAULTS;
  }

  public JobOptions queue(String queue) {
    return copy().queue(queue).build();
  }

  public JobOptions priority(int priority) {
    return copy().priority(priority).build();
  }

  public JobOptions runAt(Instant runAt) {
    return copy().runAt(runAt).delay(null).build();
  }

  public JobOptions delay(Duration delay) {
    return copy().runAt(null).delay(delay).build();
  }

  public JobOptions maxAttempts(int maxAttempts) {
    return copy().maxAttempts(maxAttempts).build();
  }

  public JobOptions backoff(Backoff backoff) {
    return copy().backoff(backoff).build();
  }

  /** Each attempt may run at most this long; then it is interrupted and failed (and retried). */
  public JobOptions timeout(Duration timeout) {
    return copy().timeout(timeout).build();
  }

  /** {@link #unique(String, UniquePolicy) unique(key, REJECT)}. */
  public JobOptions uniqueKey(String uniqueKey) {
    return copy().uniqueKey(uniqueKey).uniquePolicy(UniquePolicy.REJECT).build();
  }

  /**
   * While a job with this key is scheduled, queued or running, enqueueing another one follows
   * {@code policy}: see {@link UniquePolicy}.
   */
  public JobOptions unique(String key, UniquePolicy policy) {
    Objects.requireNonNull(key, "unique key");
    return copy().uniqueKey(key).uniquePolicy(Objects.requireNonNull(policy, "policy")).build();
  }

  /** At no instant do more than {@code limit} jobs with this key run, across all workers. */
  public JobOptions concurrency(String key, int limit) {
    Objects.requireNonNull(key, "concurrency key");
    if (limit < 1) {
      throw new IllegalArgumentException("concurrency limit must be at least 1: " + limit);
    }
    return copy().concurrencyKey(key).concurrencyLimit(limit).build();
  }

  /**
   * At most {@code permits} jobs with this key start in any window of length {@code period}, across
   * all workers. A job over the limit waits (it keeps its place; jobs of other keys pass it).
   */
  public JobOptions rateLimit(String key, int permits, Duration period) {
    Objects.requireNonNull(key, "rate key");
    return copy().rateKey(key).ratePermits(permits).ratePeriod(period).build();
  }

  /** The instant the job may first run, given the time it is enqueued. */
  public Instant effectiveRunAt(Instant now) {
    if (runAt != null) {
      return runAt;
    }
    return delay == null ? now : now.plus(delay);
  }

  /**
   * These options with a task's defaults filled in where this job set nothing: the timeout, the
   * concurrency limit (keyed by the task's name) and the rate limit (likewise).
   */
  public JobOptions withDefaults(String task, TaskOptions defaults) {
    Builder b = copy();
    if (timeout == null && defaults.timeout() != null) {
      b.timeout(defaults.timeout());
    }
    if (concurrencyKey == null && defaults.concurrencyLimit() > 0) {
      b.concurrencyKey(task).concurrencyLimit(defaults.concurrencyLimit());
    }
    if (rateKey == null && defaults.ratePermits() > 0) {
      b.rateKey(task).ratePermits(defaults.ratePermits()).ratePeriod(defaults.ratePeriod());
    }
    return b.build();
  }

  private Builder copy() {
    return new Builder(this);
  }

  /** Collects changes for one copy; the record's constructor validates the result. */
  private static final class Builder {
    private String queue;
    private int priority;
    private Instant runAt;
    private Duration delay;
    private int maxAttempts;
    private Backoff backoff;
    private Duration timeout;
    private String uniqueKey;
    private String concurrencyKey;
    private int concurrencyLimit;
    private UniquePolicy uniquePolicy;
    private String rateKey;
    private int ratePermits;
    private Duration ratePeriod;

    Builder(JobOptions o) {
      queue = o.queue;
      priority = o.priority;
      runAt = o.runAt;
      delay = o.delay;
      maxAttempts = o.maxAttempts;
      backoff = o.backoff;
      timeout = o.timeout;
      uniqueKey = o.uniqueKey;
      concurrencyKey = o.concurrencyKey;
      concurrencyLimit = o.concurrencyLimit;
      uniquePolicy = o.uniquePolicy;
      rateKey = o.rateKey;
      ratePermits = o.ratePermits;
      ratePeriod = o.ratePeriod;
    }

    Builder queue(String v) {
      queue = v;
      return this;
    }

    Builder priority(int v) {
      priority = v;
      return this;
    }

    Builder runAt(Instant v) {
      runAt = v;
      return this;
    }

    Builder delay(Duration v) {
      delay = v;
      return this;
    }

    Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    Builder backoff(Backoff v) {
      backoff = v;
      return this;
    }

    Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    Builder uniqueKey(String v) {
      uniqueKey = v;
      return this;
    }

    Builder concurrencyKey(String v) {
      concurrencyKey = v;
      return this;
    }

    Builder concurrencyLimit(int v) {
      concurrencyLimit = v;
      return this;
    }

    Builder uniquePolicy(UniquePolicy v) {
      uniquePolicy = v;
      return this;
    }

    Builder rateKey(String v) {
      rateKey = v;
      return this;
    }

    Builder ratePermits(int v) {
      ratePermits = v;
      return this;
    }

    Builder ratePeriod(Duration v) {
      ratePeriod = v;
      return this;
    }

    JobOptions build() {
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
          concurrencyLimit,
          uniquePolicy,
          rateKey,
          ratePermits,
          ratePeriod);
    }
  }
}
