package dev.semafor.broker;

import dev.semafor.JobState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
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
    @Nullable String groupId) {
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
    this(queue, task, states, enqueuedFrom, enqueuedTo, limit, offset, null, null);
  }

  public static JobQuery all() {
    return new JobQuery(null, null, Set.of(), null, null, DEFAULT_LIMIT, 0);
  }

  public JobQuery queue(@Nullable String q) {
    return new JobQuery(
        q, task, states, enqueuedFrom, enqueuedTo, limit, offset, concurrencyKey, groupId);
  }

  public JobQuery task(@Nullable String t) {
    return new JobQuery(
        queue, t, states, enqueuedFrom, enqueuedTo, limit, offset, concurrencyKey, groupId);
  }

  public JobQuery states(JobState... s) {
    return new JobQuery(
        queue, task, Set.of(s), enqueuedFrom, enqueuedTo, limit, offset, concurrencyKey, groupId);
  }

  public JobQuery enqueuedBetween(Instant from, Instant to) {
    return new JobQuery(queue, task, states, from, to, limit, offset, concurrencyKey, groupId);
  }

  public JobQuery page(int newLimit, int newOffset) {
    return new JobQuery(
        queue,
        task,
        states,
        enqueuedFrom,
        enqueuedTo,
        newLimit,
        newOffset,
        concurrencyKey,
        groupId);
  }

  /** Only jobs with this concurrency key. */
  public JobQuery concurrencyKey(String key) {
    return new JobQuery(queue, task, states, enqueuedFrom, enqueuedTo, limit, offset, key, groupId);
  }

  /** Only members of this group ({@link GroupRecord}). */
  public JobQuery groupId(String id) {
    return new JobQuery(
        queue, task, states, enqueuedFrom, enqueuedTo, limit, offset, concurrencyKey, id);
  }

  /** Whether {@code job} passes every filter of this query (paging aside). */
  public boolean matches(JobRecord job) {
    return (queue == null || queue.equals(job.queue()))
        && (task == null || task.equals(job.task()))
        && (states.isEmpty() || states.contains(job.state()))
        && (enqueuedFrom == null || !job.enqueuedAt().isBefore(enqueuedFrom))
        && (enqueuedTo == null || job.enqueuedAt().isBefore(enqueuedTo))
        && (concurrencyKey == null || concurrencyKey.equals(job.concurrencyKey()))
        && (groupId == null || groupId.equals(job.groupId()));
  }
}
