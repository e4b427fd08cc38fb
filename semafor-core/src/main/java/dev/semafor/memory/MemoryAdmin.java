package dev.semafor.memory;

import dev.semafor.JobState;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.TaskCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The memory broker's reads and the actions on one job by id: query, stats, prune, cancel, retry
 * and delete. None is on a worker's hot path. Not thread-safe: the broker calls each method under
 * its lock (but {@link #page}, which works on a copy).
 */
final class MemoryAdmin {
  private final MemoryJobs jobs;
  private final MemoryGroups groups;

  MemoryAdmin(MemoryJobs jobs, MemoryGroups groups) {
    this.jobs = jobs;
    this.groups = groups;
  }

  /** The jobs that match {@code query}, in no order. */
  List<JobRecord> matching(JobQuery query) {
    List<JobRecord> matched = new ArrayList<>();
    for (Slot slot : jobs.all()) {
      if (query.matches(slot.record())) {
        matched.add(slot.record());
      }
    }
    return matched;
  }

  /** The query's page of {@code matched}, newest first; needs no lock. */
  static List<JobRecord> page(List<JobRecord> matched, JobQuery query) {
    matched.sort(Comparator.comparing(JobRecord::id).reversed());
    int from = Math.min(query.offset(), matched.size());
    int to = Math.min(from + query.limit(), matched.size());
    return List.copyOf(matched.subList(from, to));
  }

  List<QueueStats> stats() {
    List<QueueStats> out = new ArrayList<>();
    for (Map.Entry<String, MemoryQueue> e : jobs.queuesByName().entrySet()) {
      Map<JobState, Long> counts = new EnumMap<>(JobState.class);
      for (JobState s : JobState.values()) {
        counts.put(s, e.getValue().counts[s.ordinal()]);
      }
      long[] q = e.getValue().counts;
      out.add(new QueueStats(e.getKey(), counts, q[MemoryQueue.LEASED_WAITING]));
    }
    return out;
  }

  /** See {@link Broker#queuedTasks}: one pass over the jobs. */
  List<TaskCount> queuedTasks() {
    Map<String, Map<String, Long>> byQueue = new java.util.TreeMap<>();
    for (Slot slot : jobs.all()) {
      if (slot.state() == JobState.QUEUED) {
        JobRecord fixed = slot.fixed();
        byQueue
            .computeIfAbsent(fixed.queue(), q -> new java.util.TreeMap<>())
            .merge(fixed.task(), 1L, Long::sum);
      }
    }
    List<TaskCount> out = new ArrayList<>();
    byQueue.forEach(
        (queue, tasks) -> tasks.forEach((task, n) -> out.add(new TaskCount(queue, task, n))));
    return out;
  }

  /** Deletes the finished jobs that finished at or before {@code cutoff}; returns how many. */
  int prune(Instant cutoff) {
    List<Slot> old = new ArrayList<>();
    for (Slot slot : jobs.all()) {
      JobRecord r = slot.record();
      if (r.state().isFinished()
          && r.finishedAt() != null
          && !r.finishedAt().isAfter(cutoff)
          && !groups.holds(r)) {
        old.add(slot);
      }
    }
    for (Slot slot : old) {
      jobs.remove(slot);
      groups.pruned(slot.record());
    }
    return old.size();
  }

  /** See {@link Broker#cancel}. */
  CancelResult cancel(String jobId, Instant now) {
    Slot slot = jobs.slot(jobId);
    if (slot == null) {
      return CancelResult.NOT_FOUND;
    }
    JobRecord r = slot.record();
    if (r.state().isFinished()) {
      return CancelResult.ALREADY_FINISHED;
    }
    if (r.state() == JobState.RUNNING) {
      slot.write(r.toBuilder().cancelRequested(true).build());
      return CancelResult.CANCEL_REQUESTED;
    }
    jobs.transition(slot, r.toBuilder().state(JobState.CANCELLED).finishedAt(now).build());
    return CancelResult.CANCELLED;
  }

  /** See {@link Broker#retry}: refused while another job holds the job's unique key. */
  boolean retry(String jobId, Instant now) {
    Slot slot = jobs.slot(jobId);
    if (slot == null
        || (slot.record().state() != JobState.DEAD
            && slot.record().state() != JobState.CANCELLED)) {
      return false;
    }
    String key = slot.record().uniqueKey();
    Slot holder = key == null ? null : jobs.uniqueHolder(key);
    if (holder != null && holder != slot) {
      throw new UniqueKeyConflictException(
          jobId, key, holder.record().id(), holder.record().state());
    }
    jobs.transition(
        slot,
        slot.record().toBuilder()
            .state(JobState.QUEUED)
            .attempts(0)
            .runAt(now)
            .result(null)
            .startedAt(null)
            .finishedAt(null)
            .leaseExpiresAt(null)
            .workerId(null)
            .progress(0)
            .progressMessage(null)
            .cancelRequested(false)
            .build());
    jobs.schedule(jobs.queue(slot.record().queue()), slot, now);
    return true;
  }

  /** See {@link Broker#delete}. */
  boolean delete(String jobId) {
    Slot slot = jobs.slot(jobId);
    if (slot == null || !slot.record().state().isFinished()) {
      return false;
    }
    jobs.remove(slot);
    groups.pruned(slot.record());
    return true;
  }
}
