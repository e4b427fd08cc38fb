package dev.semafor.spi;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the broker stores about one job. Immutable; build with {@link #builder()} (every
 * component but id, task, queue, state, run-at and enqueued-at may stay unset) and change with
 * {@link #toBuilder()}. The components are grouped by meaning (the comments in the header); a
 * {@link Nullable @Nullable} one is null where it does not apply.
 *
 * <p>Job control: the unique, concurrency and rate keys and limits are enforced by the broker
 * ({@link Broker#enqueue}, {@link Broker#lease}). Workflows: {@code next} is the rest of a chain as
 * JSON ({@link JobTemplate#listToJson}), enqueued by the core when this job succeeds; {@code
 * groupId}/{@code groupIndex} place the job in a group ({@link GroupRecord}).
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
    // Identity and routing: which job, which task runs it, where it waits and in what order.
    String id,
    String task,
    String queue,
    JobState state,
    int priority,
    // Payload and outcome, as JSON text; input is "null" for a job without input, result and error
    // are null until an attempt ends (the error is the last attempt's).
    String input,
    @Nullable String result,
    @Nullable JobError error,
    // Timing and the current lease: when it may run and was enqueued; the current attempt's lease
    // (startedAt is when it was leased, started whether a pool member took it), holder and expiry;
    // when it finished. Null where that has not happened.
    Instant runAt,
    Instant enqueuedAt,
    @Nullable Instant startedAt,
    boolean started,
    @Nullable Instant leaseExpiresAt,
    @Nullable String workerId,
    @Nullable Instant finishedAt,
    // Attempts and retry: leases taken so far (1 while the first runs), how many are allowed, the
    // wait between them and each attempt's time limit (null: none).
    int attempts,
    int maxAttempts,
    Backoff backoff,
    @Nullable Duration timeout,
    // Control keys and limits, enforced by the broker (null key: no such control; 0: no limit).
    @Nullable String uniqueKey,
    UniquePolicy uniquePolicy,
    @Nullable String concurrencyKey,
    int concurrencyLimit,
    @Nullable String rateKey,
    int ratePermits,
    @Nullable Duration ratePeriod,
    // Workflow: the rest of a chain as JSON, and the job's place in a group (null: none).
    @Nullable String next,
    @Nullable String groupId,
    int groupIndex,
    // Progress and cancellation, as the running task reports them and an operator asks.
    double progress,
    @Nullable String progressMessage,
    boolean cancelRequested) {

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

  /**
   * This job leased: running as attempt {@code attempts}, leased at {@code at} (its start not yet
   * reported), held by {@code workerId} until {@code expires}, no cancellation requested; the rest
   * as it is. One constructor call, not a builder's copy and then the record's.
   */
  public JobRecord leased(int attempts, Instant at, Instant expires, String workerId) {
    return new JobRecord(
        id,
        task,
        queue,
        JobState.RUNNING,
        priority,
        input,
        result,
        error,
        runAt,
        enqueuedAt,
        at,
        false,
        expires,
        workerId,
        finishedAt,
        attempts,
        maxAttempts,
        backoff,
        timeout,
        uniqueKey,
        uniquePolicy,
        concurrencyKey,
        concurrencyLimit,
        rateKey,
        ratePermits,
        ratePeriod,
        next,
        groupId,
        groupIndex,
        progress,
        progressMessage,
        false);
  }

  /** True if the job has attempts left after the current one. */
  public boolean hasAttemptsLeft() {
    return attempts < maxAttempts;
  }

  /** A builder; every field but id, task, queue, state, run-at and enqueued-at may stay unset. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String task;
    private String queue = dev.semafor.JobOptions.DEFAULT_QUEUE;
    private JobState state = JobState.QUEUED;
    private int priority;
    private String input = "null";
    private @Nullable String result;
    private @Nullable JobError error;
    private @Nullable Instant runAt;
    private @Nullable Instant enqueuedAt;
    private @Nullable Instant startedAt;
    private boolean started;
    private @Nullable Instant leaseExpiresAt;
    private @Nullable String workerId;
    private @Nullable Instant finishedAt;
    private int attempts;
    private int maxAttempts = dev.semafor.JobOptions.DEFAULT_MAX_ATTEMPTS;
    private Backoff backoff = Backoff.defaults();
    private @Nullable Duration timeout;
    private @Nullable String uniqueKey;
    private UniquePolicy uniquePolicy = UniquePolicy.REJECT;
    private @Nullable String concurrencyKey;
    private int concurrencyLimit;
    private @Nullable String rateKey;
    private int ratePermits;
    private @Nullable Duration ratePeriod;
    private @Nullable String next;
    private @Nullable String groupId;
    private int groupIndex;
    private double progress;
    private @Nullable String progressMessage;
    private boolean cancelRequested;

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
      runAt = r.runAt;
      enqueuedAt = r.enqueuedAt;
      startedAt = r.startedAt;
      started = r.started;
      leaseExpiresAt = r.leaseExpiresAt;
      workerId = r.workerId;
      finishedAt = r.finishedAt;
      attempts = r.attempts;
      maxAttempts = r.maxAttempts;
      backoff = r.backoff;
      timeout = r.timeout;
      uniqueKey = r.uniqueKey;
      uniquePolicy = r.uniquePolicy;
      concurrencyKey = r.concurrencyKey;
      concurrencyLimit = r.concurrencyLimit;
      rateKey = r.rateKey;
      ratePermits = r.ratePermits;
      ratePeriod = r.ratePeriod;
      next = r.next;
      groupId = r.groupId;
      groupIndex = r.groupIndex;
      progress = r.progress;
      progressMessage = r.progressMessage;
      cancelRequested = r.cancelRequested;
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

    public Builder result(@Nullable String v) {
      result = v;
      return this;
    }

    public Builder error(@Nullable JobError v) {
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

    public Builder timeout(@Nullable Duration v) {
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

    public Builder startedAt(@Nullable Instant v) {
      startedAt = v;
      return this;
    }

    public Builder finishedAt(@Nullable Instant v) {
      finishedAt = v;
      return this;
    }

    public Builder leaseExpiresAt(@Nullable Instant v) {
      leaseExpiresAt = v;
      return this;
    }

    public Builder workerId(@Nullable String v) {
      workerId = v;
      return this;
    }

    public Builder uniqueKey(@Nullable String v) {
      uniqueKey = v;
      return this;
    }

    public Builder concurrencyKey(@Nullable String v) {
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

    public Builder progressMessage(@Nullable String v) {
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

    public Builder rateKey(@Nullable String v) {
      rateKey = v;
      return this;
    }

    public Builder ratePermits(int v) {
      ratePermits = v;
      return this;
    }

    public Builder ratePeriod(@Nullable Duration v) {
      ratePeriod = v;
      return this;
    }

    /** The rest of a chain as JSON ({@link JobTemplate#listToJson}), or null. */
    public Builder next(@Nullable String v) {
      next = v;
      return this;
    }

    public Builder groupId(@Nullable String v) {
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
          runAt,
          enqueuedAt,
          startedAt,
          started,
          leaseExpiresAt,
          workerId,
          finishedAt,
          attempts,
          maxAttempts,
          backoff,
          timeout,
          uniqueKey,
          uniquePolicy,
          concurrencyKey,
          concurrencyLimit,
          rateKey,
          ratePermits,
          ratePeriod,
          next,
          groupId,
          groupIndex,
          progress,
          progressMessage,
          cancelRequested);
    }
  }
}
