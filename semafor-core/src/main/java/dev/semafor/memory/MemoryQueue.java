package dev.semafor.memory;

import dev.semafor.JobState;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * One queue of the memory broker: its ready jobs in lease order, its scheduled jobs by run-at, and
 * its job counts by state. Both structures are cleaned lazily (see {@link MemoryJobs}). Not
 * thread-safe: the broker's lock guards it.
 */
final class MemoryQueue {
  final ReadyQueue<Slot> ready = new ReadyQueue<>(s -> s.seq);

  final PriorityQueue<Pending> scheduled =
      new PriorityQueue<>(Comparator.comparing(Pending::runAt).thenComparingLong(p -> p.slot.seq));

  /**
   * The index in {@link #counts}, after the states, of the {@code RUNNING} jobs that are leased but
   * not started.
   */
  static final int LEASED_WAITING = JobState.values().length;

  /**
   * Jobs by {@link JobState#ordinal()}, then the leased-but-waiting count at {@link
   * #LEASED_WAITING}; shared with each job's {@link Slot#counts}.
   */
  final long[] counts = new long[LEASED_WAITING + 1];

  /**
   * A scheduled job and the run-at it was scheduled for; stale once the job has left {@code
   * SCHEDULED} or its run-at has changed.
   */
  record Pending(Slot slot, Instant runAt) {}
}
