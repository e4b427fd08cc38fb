package dev.semafor.spi;

import dev.semafor.JobState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A filter over jobs. Every field may be left {@code null} (or empty) to match all. Results are
 * ordered by id (enqueue time), newest first; {@code limit} and {@code offset} page them.
 */
public record JobQuery(
    @Nullable String queue,
    @Nullable String task,
    Set<JobState> states,
    @Nullable Instant enqueuedFrom,
    @Nullable Instant enqueuedTo,
    int limit,
    int offset,
    @Nullable String concurrencyKey,
    @Nullable String groupId,
    @Nullable String uniqueKey) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  public JobQuery {
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ": " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
  }

  /** A query without the job-control filters. */
  public JobQuery(
      @Nullable String queue,
      @Nullable String task,
      Set<JobState> states,
      @Nullable Instant enqueuedFrom,
      @Nullable Instant enqueuedTo,
      int limit,
      int offset) {
    this(queue, task, states, enqueuedFrom, enqueuedTo, limit, offset, null, null, null);
  }

  public static JobQuery all() {
    return new JobQuery(null, null, Set.of(), null, null, DEFAULT_LIMIT, 0);
  }

  public JobQuery queue(@Nullable String q) {
    return with(c -> c.queue = q);
  }

  public JobQuery task(@Nullable String t) {
    return with(c -> c.task = t);
  }

  public JobQuery states(JobState... s) {
    return with(c -> c.states = Set.of(s));
  }

  public JobQuery enqueuedBetween(@Nullable Instant from, @Nullable Instant to) {
    return with(
        c -> {
          c.enqueuedFrom = from;
          c.enqueuedTo = to;
        });
  }

  public JobQuery page(int newLimit, int newOffset) {
    return with(
        c -> {
          c.limit = newLimit;
          c.offset = newOffset;
        });
  }

  /** Only jobs with this concurrency key. */
  public JobQuery concurrencyKey(@Nullable String key) {
    return with(c -> c.concurrencyKey = key);
  }

  /** Only members of this group ({@link GroupRecord}). */
  public JobQuery groupId(@Nullable String id) {
    return with(c -> c.groupId = id);
  }

  /**
   * Only jobs enqueued with this unique key ({@link dev.semafor.JobOptions#unique}), finished ones
   * included: the key's history, not only the job that holds it now.
   */
  public JobQuery uniqueKey(@Nullable String key) {
    return with(c -> c.uniqueKey = key);
  }

  /** This query with {@code change} applied to a copy of its fields; the one place that copies. */
  private JobQuery with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new JobQuery(
        c.queue,
        c.task,
        c.states,
        c.enqueuedFrom,
        c.enqueuedTo,
        c.limit,
        c.offset,
        c.concurrencyKey,
        c.groupId,
        c.uniqueKey);
  }

  /** The fields of a query being changed by one of the withers above. */
  private static final class Copy {
    @Nullable String queue;
    @Nullable String task;
    Set<JobState> states;
    @Nullable Instant enqueuedFrom;
    @Nullable Instant enqueuedTo;
    int limit;
    int offset;
    @Nullable String concurrencyKey;
    @Nullable String groupId;
    @Nullable String uniqueKey;

    Copy(JobQuery q) {
      queue = q.queue;
      task = q.task;
      states = q.states;
      enqueuedFrom = q.enqueuedFrom;
      enqueuedTo = q.enqueuedTo;
      limit = q.limit;
      offset = q.offset;
      concurrencyKey = q.concurrencyKey;
      groupId = q.groupId;
      uniqueKey = q.uniqueKey;
    }
  }

  /** Whether {@code job} passes every filter of this query (paging aside). */
  public boolean matches(JobRecord job) {
    return (queue == null || queue.equals(job.queue()))
        && (task == null || task.equals(job.task()))
        && (states.isEmpty() || states.contains(job.state()))
        && (enqueuedFrom == null || !job.enqueuedAt().isBefore(enqueuedFrom))
        && (enqueuedTo == null || job.enqueuedAt().isBefore(enqueuedTo))
        && (concurrencyKey == null || concurrencyKey.equals(job.concurrencyKey()))
        && (groupId == null || groupId.equals(job.groupId()))
        && (uniqueKey == null || uniqueKey.equals(job.uniqueKey()));
  }
}
