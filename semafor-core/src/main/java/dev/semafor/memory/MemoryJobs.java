package dev.semafor.memory;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The memory broker's jobs: every job by id, each queue's ready and scheduled jobs ({@link
 * MemoryQueue}), and the index of the waiting or running job per unique key. {@link #transition} is
 * the one way a job's state changes; it keeps the queue counts, the unique index and the groups'
 * failure flags in step.
 *
 * <p>A waiting job is either ready (in its queue's {@link ReadyQueue}) or scheduled (in its queue's
 * heap by run-at); {@link #promoteDue} moves the scheduled jobs that have come due. Both are
 * cleaned lazily: an entry whose job is no longer waiting (cancelled, say) is skipped when it
 * surfaces.
 *
 * <p>Not thread-safe: every method runs under the broker's lock.
 */
final class MemoryJobs {
  /** All jobs by id. */
  private final SlotIndex byId = new SlotIndex();

  /**
   * The log lines of the jobs that have any ({@link dev.semafor.spi.Broker#appendLogs}), oldest
   * first: few jobs log, so no slot carries a field for them.
   */
  private final Map<Slot, List<LogLine>> logs = new HashMap<>();

  private final Map<String, MemoryQueue> queues = new HashMap<>();

  /** The waiting or running job per unique key. */
  private final Map<String, Slot> uniqueActive = new HashMap<>();

  private final MemoryGroups groups;

  /** Called whenever a job becomes ready or is scheduled: the broker wakes idle workers. */
  private final Runnable arrived;

  /** The next job's enqueue order. */
  private long sequence;

  MemoryJobs(MemoryGroups groups, Runnable arrived) {
    this.groups = groups;
    this.arrived = arrived;
  }

  /** The job with this id, or null. */
  Slot slot(String id) {
    return byId.get(id);
  }

  boolean contains(String id) {
    return byId.contains(id);
  }

  /** Every stored job, in no order (not to be changed while it is walked). */
  Iterable<Slot> all() {
    return byId;
  }

  /** The job's log lines, oldest first. */
  List<LogLine> logs(Slot slot) {
    return logs.getOrDefault(slot, List.of());
  }

  /**
   * Appends {@code lines} to the job's log lines, keeping the last ones ({@link LogLine#keepLast}).
   */
  void appendLogs(Slot slot, List<LogLine> lines) {
    logs.put(slot, LogLine.keepLast(logs(slot), lines));
  }

  /** The waiting or running job that holds {@code uniqueKey}, or null. */
  Slot uniqueHolder(String uniqueKey) {
    return uniqueActive.get(uniqueKey);
  }

  /** The queue of this name, made on first use. */
  MemoryQueue queue(String name) {
    return queues.computeIfAbsent(name, n -> new MemoryQueue());
  }

  /** The queue of this name, or null if no job was ever stored in it. */
  MemoryQueue queueIfAny(String name) {
    return queues.get(name);
  }

  /** Every queue, sorted by name (a copy). */
  SortedMap<String, MemoryQueue> queuesByName() {
    return new TreeMap<>(queues);
  }

  /** Forgets a finished job (pruned or deleted). */
  void remove(Slot slot) {
    byId.remove(slot);
    logs.remove(slot);
    slot.counts[slot.state().ordinal()]--;
  }

  /** Refuses a batch with an id that exists or repeats, or a job that is not waiting. */
  void checkNew(List<JobRecord> batch) {
    Set<String> ids = new HashSet<>();
    for (JobRecord job : batch) {
      if (byId.contains(job.id()) || !ids.add(job.id())) {
        throw new IllegalArgumentException("a job with id " + job.id() + " already exists");
      }
      if (!job.state().isWaiting()) {
        throw new IllegalArgumentException(
            "job " + job.id() + " is " + job.state() + "; only QUEUED or SCHEDULED jobs enqueue");
      }
    }
  }

  /**
   * Stores a new job unless its unique key is held (see {@link Broker#enqueue}): returns the job as
   * stored, or the holder kept in its place.
   */
  JobRecord enqueue(JobRecord job, Instant now) {
    Slot existing = job.uniqueKey() == null ? null : uniqueActive.get(job.uniqueKey());
    if (existing != null) {
      if (job.uniquePolicy() != UniquePolicy.REPLACE || !existing.record().state().isWaiting()) {
        return existing.record();
      }
      JobError replaced =
          JobError.of(
              "dev.semafor.Replaced",
              "replaced by job " + job.id() + " (unique key " + job.uniqueKey() + ")");
      transition(
          existing,
          existing.record().toBuilder()
              .state(JobState.CANCELLED)
              .error(replaced)
              .finishedAt(now)
              .build());
    }
    return insert(job, now);
  }

  /** See {@link Broker#enqueueGroup}; the members are checked against the group already. */
  List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members, Instant now) {
    if (groups.contains(group.id())) {
      throw new IllegalArgumentException("a group with id " + group.id() + " already exists");
    }
    checkNew(members);
    groups.add(group);
    List<JobRecord> stored = new ArrayList<>(members.size());
    for (JobRecord m : members) {
      stored.add(insert(m, now));
    }
    return stored;
  }

  /** Stores a new job and puts it where a lease will find it; returns it as stored. */
  JobRecord insert(JobRecord job, Instant now) {
    if (job.runAt().isAfter(now) && !job.runAt().isAfter(job.enqueuedAt())) {
      // Due when its producer enqueued it: due now, however far ahead the producer's clock ran.
      job = job.toBuilder().runAt(now).build();
    }
    MemoryQueue q = queue(job.queue());
    Slot slot = new Slot(sequence++, job, q.counts);
    byId.put(slot);
    q.counts[job.state().ordinal()]++;
    if (job.uniqueKey() != null) {
      uniqueActive.put(job.uniqueKey(), slot);
    }
    if (job.runAt().isAfter(now)) {
      schedule(q, slot, now);
    } else {
      if (job.state() == JobState.SCHEDULED) {
        transition(slot, job.toBuilder().state(JobState.QUEUED).build());
      }
      slot.inReady = true;
      q.ready.addFresh(job.priority(), slot); // a new job has the highest sequence yet
      arrived.run();
    }
    return slot.record();
  }

  /**
   * Moves a job to its next record, checking the state change; keeps the queue counts, the unique
   * index and the groups in step.
   */
  void transition(Slot slot, JobRecord next) {
    JobState from = slot.state();
    moving(slot, from, next.state());
    slot.write(next);
    moved(slot, from, next.state());
  }

  /** The hot path's {@link #transition} to running, through the slot's overlay. */
  void lease(Slot slot, String workerId, Instant now, Instant expires) {
    JobState from = slot.state();
    moving(slot, from, JobState.RUNNING);
    slot.leased(now, expires, workerId);
    slot.counts[MemoryQueue.LEASED_WAITING]++;
    moved(slot, from, JobState.RUNNING);
  }

  /** A leased job's worker says it started: it leaves its queue's leased-but-waiting count. */
  void markStarted(Slot slot) {
    if (slot.state() == JobState.RUNNING && !slot.started()) {
      slot.markStarted();
      slot.counts[MemoryQueue.LEASED_WAITING]--;
    }
  }

  /** The hot path's {@link #transition} to succeeded, through the slot's overlay. */
  void succeed(Slot slot, String result, Instant now) {
    JobState from = slot.state();
    moving(slot, from, JobState.SUCCEEDED);
    slot.succeeded(result, now);
    moved(slot, from, JobState.SUCCEEDED);
  }

  /** Checks a state change and moves the job between its queue's counts. */
  private static void moving(Slot slot, JobState from, JobState to) {
    from.checkTransition(to, slot.fixed().id());
    if (from != to) {
      long[] counts = slot.counts;
      counts[from.ordinal()]--;
      counts[to.ordinal()]++;
      if (from == JobState.RUNNING && !slot.started()) {
        counts[MemoryQueue.LEASED_WAITING]--;
      }
    }
  }

  /** Keeps the unique index and the groups' failure flags in step with a state change. */
  private void moved(Slot slot, JobState from, JobState to) {
    JobRecord fixed = slot.fixed();
    if (fixed.uniqueKey() != null) {
      if (to.isFinished()) {
        uniqueActive.remove(fixed.uniqueKey(), slot);
      } else {
        uniqueActive.putIfAbsent(fixed.uniqueKey(), slot);
      }
    }
    if (fixed.groupId() != null && (to == JobState.DEAD || to == JobState.CANCELLED)) {
      groups.failed(fixed.groupId());
    }
  }

  /** Puts a waiting job where a lease will find it: ready now, or scheduled for its run-at. */
  void schedule(MemoryQueue q, Slot slot, Instant now) {
    if (!slot.record().runAt().isAfter(now)) {
      if (slot.record().state() == JobState.SCHEDULED) {
        transition(slot, slot.record().toBuilder().state(JobState.QUEUED).build());
      }
      pushReady(q, slot);
    } else {
      if (slot.record().state() == JobState.QUEUED) {
        // Not due yet, whatever the record said: only SCHEDULED jobs are promoted when due.
        transition(slot, slot.record().toBuilder().state(JobState.SCHEDULED).build());
      }
      q.scheduled.add(new MemoryQueue.Pending(slot, slot.record().runAt()));
      arrived.run(); // a waiting worker's wait may now end sooner, at this run-at
    }
  }

  void pushReady(MemoryQueue q, Slot slot) {
    if (!slot.inReady) {
      slot.inReady = true;
      q.ready.addReturning(slot.fixed().priority(), slot);
      arrived.run();
    }
  }

  /**
   * How long until one of {@code names} may have a job to lease: 0 if one has a ready job or a
   * scheduled one due by {@code now}, else the nanoseconds to the earliest run-at among them
   * ({@link Long#MAX_VALUE} if none). Ready and scheduled entries are cleaned lazily, so a stale
   * entry may end a wait early (a spurious wake-up); the lease that follows cleans it.
   */
  long nanosUntilWork(List<String> names, Instant now) {
    long soonest = Long.MAX_VALUE;
    for (String name : names) {
      MemoryQueue q = queues.get(name);
      if (q == null) {
        continue;
      }
      if (q.ready.size() > 0) {
        return 0;
      }
      MemoryQueue.Pending head = q.scheduled.peek();
      if (head != null) {
        if (!head.runAt().isAfter(now)) {
          return 0;
        }
        soonest = Math.min(soonest, nanosBetween(now, head.runAt()));
      }
    }
    return soonest;
  }

  private static long nanosBetween(Instant from, Instant to) {
    try {
      return java.time.Duration.between(from, to).toNanos();
    } catch (ArithmeticException tooFar) {
      return Long.MAX_VALUE;
    }
  }

  void promoteDue(MemoryQueue q, Instant now) {
    MemoryQueue.Pending head;
    while ((head = q.scheduled.peek()) != null && !head.runAt().isAfter(now)) {
      q.scheduled.poll();
      Slot slot = head.slot();
      if (slot.state() == JobState.SCHEDULED && slot.record().runAt().equals(head.runAt())) {
        transition(slot, slot.record().toBuilder().state(JobState.QUEUED).build());
        pushReady(q, slot);
      }
    }
  }
}
