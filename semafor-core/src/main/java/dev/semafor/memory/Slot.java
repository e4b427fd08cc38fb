package dev.semafor.memory;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.Instant;

/**
 * One job as the memory broker holds it. Every field is guarded by the broker's lock.
 *
 * <h2>The record and its overlay</h2>
 *
 * A job's state is its last written {@link JobRecord} plus, after the two changes every job goes
 * through, an overlay of the fields they change: a lease ({@link #leased}) and a success ({@link
 * #succeeded}) set a few fields here instead of copying the 31-field record. That keeps the hot
 * path from allocating a record per change and, more to the point, from leaving a new record behind
 * for the collector to copy for every job it leases and every job it completes. {@link #record()}
 * builds the whole record when somebody reads it (and keeps it, so each job is built at most once
 * per change); {@link #fixed()} is the last written record, whose fields that never change over a
 * job's life (id, queue, priority, keys and limits, group, chain) it serves without building
 * anything.
 */
final class Slot {
  private static final byte WRITTEN = 0;
  private static final byte LEASED = 1;
  private static final byte SUCCEEDED = 2;

  /** Enqueue order: FIFO within a priority. */
  final long seq;

  /** Its queue's job counts by state (a job never changes queue), kept in step on transitions. */
  final long[] counts;

  private JobRecord record;
  private byte overlay = WRITTEN;

  // The overlay: meaningful only while overlay != WRITTEN.
  private int attempts;
  private boolean cancelRequested;
  private boolean started;
  private Instant startedAt;
  private Instant leaseExpiresAt;
  private Instant finishedAt;
  private String workerId;
  private String result;

  /** The lease call whose live lease this job is in ({@link MemoryLeases}); null while none. */
  MemoryLeases.Batch batch;

  /** Its place in {@link #batch}. */
  int batchIndex;

  /** True while the slot sits in its queue's ready structure. */
  boolean inReady;

  /** The next slot in its chain of the index by id ({@link SlotIndex}). */
  Slot nextById;

  /** Its job id's hash as the index by id spreads it ({@link SlotIndex}). */
  int idHash;

  Slot(long seq, JobRecord record, long[] counts) {
    this.seq = seq;
    this.record = record;
    this.counts = counts;
  }

  /**
   * The last written record: right for the fields no change touches (id, task, queue, priority,
   * input, limits and keys, group, chain), not for state, attempts, times, worker or result.
   */
  JobRecord fixed() {
    return record;
  }

  /** The whole record as it stands (built from the overlay once, then kept). */
  JobRecord record() {
    if (overlay != WRITTEN) {
      write(build());
    }
    return record;
  }

  /** The whole record as it stands, without keeping it. */
  JobRecord view() {
    return overlay == WRITTEN ? record : build();
  }

  /** Replaces the record (and any overlay). */
  void write(JobRecord next) {
    record = next;
    overlay = WRITTEN;
    startedAt = null;
    leaseExpiresAt = null;
    finishedAt = null;
    workerId = null;
    result = null;
  }

  JobState state() {
    return switch (overlay) {
      case LEASED -> JobState.RUNNING;
      case SUCCEEDED -> JobState.SUCCEEDED;
      default -> record.state();
    };
  }

  Instant leaseExpiresAt() {
    return switch (overlay) {
      case LEASED -> leaseExpiresAt;
      case SUCCEEDED -> null;
      default -> record.leaseExpiresAt();
    };
  }

  boolean cancelRequested() {
    return overlay == WRITTEN ? record.cancelRequested() : cancelRequested;
  }

  String workerId() {
    return overlay == WRITTEN ? record.workerId() : workerId;
  }

  int attempts() {
    return overlay == WRITTEN ? record.attempts() : attempts;
  }

  /** See {@link JobRecord#started()}. */
  boolean started() {
    return overlay == WRITTEN ? record.started() : started;
  }

  /** A leased job's worker says it started. */
  void markStarted() {
    if (overlay == LEASED) {
      started = true;
    } else {
      write(record().toBuilder().started(true).build());
    }
  }

  /** A lease: running, one more attempt, started now, until {@code expires}, by {@code worker}. */
  void leased(Instant now, Instant expires, String worker) {
    attempts = attempts() + 1;
    cancelRequested = false;
    started = false;
    startedAt = now;
    leaseExpiresAt = expires;
    workerId = worker;
    finishedAt = null;
    result = null;
    overlay = LEASED;
  }

  /** A running job's lease moves to {@code expires}. */
  void extend(Instant expires) {
    if (overlay == LEASED) {
      leaseExpiresAt = expires;
    } else {
      write(record().toBuilder().leaseExpiresAt(expires).build());
    }
  }

  /** Success: finished now with {@code json} as its result, no lease, progress 1. */
  void succeeded(String json, Instant now) {
    if (overlay == WRITTEN) {
      attempts = record.attempts();
      cancelRequested = record.cancelRequested();
      startedAt = record.startedAt();
      workerId = record.workerId();
    }
    started = true;
    leaseExpiresAt = null;
    finishedAt = now;
    result = json;
    overlay = SUCCEEDED;
  }

  /**
   * The record with the overlay applied: one constructor call, not a builder's copy and then the
   * record's (a lease builds one for every job it hands out).
   */
  private JobRecord build() {
    JobRecord r = record;
    boolean leased = overlay == LEASED;
    return new JobRecord(
        r.id(),
        r.task(),
        r.queue(),
        leased ? JobState.RUNNING : JobState.SUCCEEDED,
        r.priority(),
        r.input(),
        leased ? r.result() : result,
        r.error(),
        r.runAt(),
        r.enqueuedAt(),
        startedAt,
        started,
        leaseExpiresAt,
        workerId,
        leased ? r.finishedAt() : finishedAt,
        attempts,
        r.maxAttempts(),
        r.backoff(),
        r.timeout(),
        r.uniqueKey(),
        r.uniquePolicy(),
        r.concurrencyKey(),
        r.concurrencyLimit(),
        r.rateKey(),
        r.ratePermits(),
        r.ratePeriod(),
        r.next(),
        r.groupId(),
        r.groupIndex(),
        leased ? r.progress() : 1.0,
        r.progressMessage(),
        cancelRequested);
  }
}
