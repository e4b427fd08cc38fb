package dev.semafor.broker;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the broker stores about one job. Immutable; build with {@link #builder()} and change
 * with {@link #toBuilder()}.
 *
 * <p>{@code input} and {@code result} are JSON text. {@code attempts} counts leases taken (so it is
 * 1 while the first attempt runs). {@code error} is the last attempt's error.
 *
 * <p>Job control: {@code uniqueKey}/{@code uniquePolicy}, {@code concurrencyKey}/{@code
 * concurrencyLimit} (0: no limit) and {@code rateKey}/{@code ratePermits}/{@code ratePeriod} are
 * enforced by the broker ({@link Broker#enqueue}, {@link Broker#lease}). Workflows: {@code next} is
 * the rest of a chain as JSON ({@link JobTemplate#listToJson}), enqueued by the core when this job
 * succeeds; {@code groupId}/{@code groupIndex} place the job in a group ({@link GroupRecord}).
 *
 * <p>Leased is not started: {@code startedAt} is when the current attempt was <em>leased</em>, and
 * {@code started} becomes true only once the worker has reported that a pool member took the job
 * ({@link Broker#markStarted}), or when the attempt ends ({@link Broker#complete}, {@link
 * Broker#fail}). A {@code RUNNING} job that is not {@code started} is leased and waiting in its
 * worker's local queue ({@link #isLeasedWaiting()}); status, the dashboard and the metrics count it
 * apart from the running ones. Workers report starts in batches, so a job reads as waiting for up
 * to about a second after it really started.
 */
public record JobRecord(
    String id,
    String task,
    String queue,
    JobState state,
    int priority,
    String input,
    String result,
    JobError error,
    int attempts,
    int maxAttempts,
    Backoff backoff,
    Duration timeout,
    Instant runAt,
    Instant enqueuedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant leaseExpiresAt,
    String workerId,
    String uniqueKey,
    String concurrencyKey,
    int concurrencyLimit,
    double progress,
    String progressMessage,
    boolean cancelRequested,
    UniquePolicy uniquePolicy,
    String rateKey,
    int ratePermits,
    Duration ratePeriod,
    String next,
    String groupId,
    int groupIndex,
    boolean started) {

  public JobRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(runAt, "runAt");
    Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    uniquePolicy = uniquePolicy == null ? UniquePolicy.REJECT : uniquePolicy;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** True if the job has a concurrency limit. */
  public boolean isConcurrencyLimited() {
    return concurrencyKey != null && concurrencyLimit > 0;
  }

  /** True if the job has a rate limit. */
  public boolean isRateLimited() {
    return rateKey != null && ratePermits > 0 && ratePeriod != null;
  }

  /** True if the job is leased but its worker has not reported that it started. */
  public boolean isLeasedWaiting() {
    return state == JobState.RUNNING && !started;
  }

  /** True if the job has attempts left after the current one. */
  public boolean hasAttemptsLeft() {
    return attempts < maxAttempts;
  }

  /** A builder; every field but id, task, queue, state, run-at and enqueued-at may stay unset. */
  public static final class Builder {
    private String id;
    private String task;
    private String queue = dev.semafor.JobOptions.DEFAULT_QUEUE;
    private JobState state = JobState.QUEUED;
    private int priority;
    private String input = "null";
    private String result;
    private JobError error;
    private int attempts;
    private int maxAttempts = dev.semafor.JobOptions.DEFAULT_MAX_ATTEMPTS;
    private Backoff backoff = Backoff.defaults();
    private Duration timeout;
    private Instant runAt;
    private Instant enqueuedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private Instant leaseExpiresAt;
    private String workerId;
    private String uniqueKey;
    private String concurrencyKey;
    private int concurrencyLimit;
    private double progress;
    private String progressMessage;
    private boolean cancelRequested;
    private UniquePolicy uniquePolicy = UniquePolicy.REJECT;
    private String rateKey;
    private int ratePermits;
    private Duration ratePeriod;
    private String next;
    private String groupId;
    private int groupIndex;
    private boolean started;

    private Builder() {}

    private Builder(JobRecord r) {
      id = r.id;
      task = r.task;
      queue = r.queue;
      state = r.state;
      priority = r.priority;
      input = r.input;
      result = r.result;
      error = r.error;
      attempts = r.attempts;
      maxAttempts = r.maxAttempts;
      backoff = r.backoff;
      timeout = r.timeout;
      runAt = r.runAt;
      enqueuedAt = r.enqueuedAt;
      startedAt = r.startedAt;
      finishedAt = r.finishedAt;
      leaseExpiresAt = r.leaseExpiresAt;
      workerId = r.workerId;
      uniqueKey = r.uniqueKey;
      concurrencyKey = r.concurrencyKey;
      concurrencyLimit = r.concurrencyLimit;
      progress = r.progress;
      progressMessage = r.progressMessage;
      cancelRequested = r.cancelRequested;
      uniquePolicy = r.uniquePolicy;
      rateKey = r.rateKey;
      ratePermits = r.ratePermits;
      ratePeriod = r.ratePeriod;
      next = r.next;
      groupId = r.groupId;
      groupIndex = r.groupIndex;
      started = r.started;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder task(String v) {
      task = v;
      return this;
    }

    public Builder queue(String v) {
      queue = v;
      return this;
    }

    public Builder state(JobState v) {
      state = v;
      return this;
    }

    public Builder priority(int v) {
      priority = v;
      return this;
    }

    public Builder input(String v) {
      input = v;
      return this;
    }

    public Builder result(String v) {
      result = v;
      return this;
    }

    public Builder error(JobError v) {
      error = v;
      return this;
    }

    public Builder attempts(int v) {
      attempts = v;
      return this;
    }

    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    public Builder backoff(Backoff v) {
      backoff = v;
      return this;
    }

    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    public Builder runAt(Instant v) {
      runAt = v;
      return this;
    }

    public Builder enqueuedAt(Instant v) {
      enqueuedAt = v;
      return this;
    }

    public Builder startedAt(Instant v) {
      startedAt = v;
      return this;
    }

    public Builder finishedAt(Instant v) {
      finishedAt = v;
      return this;
    }

    public Builder leaseExpiresAt(Instant v) {
      leaseExpiresAt = v;
      return this;
    }

    public Builder workerId(String v) {
      workerId = v;
      return this;
    }

    public Builder uniqueKey(String v) {
      uniqueKey = v;
      return this;
    }

    public Builder concurrencyKey(String v) {
      concurrencyKey = v;
      return this;
    }

    public Builder concurrencyLimit(int v) {
      concurrencyLimit = v;
      return this;
    }

    public Builder progress(double v) {
      progress = v;
      return this;
    }

    public Builder progressMessage(String v) {
      progressMessage = v;
      return this;
    }

    public Builder cancelRequested(boolean v) {
      cancelRequested = v;
      return this;
    }

    public Builder uniquePolicy(UniquePolicy v) {
      uniquePolicy = v;
      return this;
    }

    public Builder rateKey(String v) {
      rateKey = v;
      return this;
    }

    public Builder ratePermits(int v) {
      ratePermits = v;
      return this;
    }

    public Builder ratePeriod(Duration v) {
      ratePeriod = v;
      return this;
    }

    /** The rest of a chain as JSON ({@link JobTemplate#listToJson}), or null. */
    public Builder next(String v) {
      next = v;
      return this;
    }

    public Builder groupId(String v) {
      groupId = v;
      return this;
    }

    public Builder groupIndex(int v) {
      groupIndex = v;
      return this;
    }

    public Builder started(boolean v) {
      started = v;
      return this;
    }

    public JobRecord build() {
      return new JobRecord(
          id,
          task,
          queue,
          state,
          priority,
          input,
          result,
          error,
          attempts,
          maxAttempts,
          backoff,
          timeout,
          runAt,
          enqueuedAt,
          startedAt,
          finishedAt,
          leaseExpiresAt,
          workerId,
          uniqueKey,
          concurrencyKey,
          concurrencyLimit,
          progress,
          progressMessage,
          cancelRequested,
          uniquePolicy,
          rateKey,
          ratePermits,
          ratePeriod,
          next,
          groupId,
          groupIndex,
          started);
    }
  }
}
