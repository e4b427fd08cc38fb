package dev.semafor.memory;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The memory broker's live leases, from {@link #start} to their end: the leased jobs (a {@link
 * LeasedList} through their slots), their tokens, heartbeats and progress, release, expiry, and the
 * cancellations their workers poll for. A lease ends through {@link #finish}, which frees its
 * concurrency slot.
 *
 * <p>{@link #start}, {@link #current} and {@link #finish} are on every lease and completion: no
 * lookup beyond the job by id, and no allocation but the new record and the lease.
 *
 * <p>Not thread-safe: every method runs under the broker's lock.
 */
final class MemoryLeases {
  /** Tokens are this broker's prefix and a counter: unique, and cheap to make on every lease. */
  private final String tokenPrefix =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";

  private final MemoryJobs jobs;
  private final MemoryLimits limits;
  private final LeasedList leased = new LeasedList();
  private long tokens;

  MemoryLeases(MemoryJobs jobs, MemoryLimits limits) {
    this.jobs = jobs;
    this.limits = limits;
  }

  /** Leases a waiting job to {@code workerId} until {@code expires}: running, with a new token. */
  Lease start(Slot slot, String workerId, Instant now, Instant expires) {
    String token = tokenPrefix + Long.toHexString(++tokens);
    slot.token = token;
    jobs.lease(slot, workerId, now, expires);
    leased.add(slot);
    limits.started(slot.fixed(), now);
    return new Lease(slot.view(), token, expires);
  }

  /** The job whose live lease {@code ref} names, or null if that lease is stale or unknown. */
  Slot current(LeaseRef ref) {
    Slot slot = jobs.slot(ref.jobId());
    if (slot == null || slot.token == null || !slot.token.equals(ref.token())) {
      return null;
    }
    return slot;
  }

  /** Ends the current lease of a running job: forgets its token and frees its slot. */
  void finish(Slot slot) {
    slot.token = null;
    if (leased.remove(slot)) {
      limits.finished(slot.fixed());
    }
  }

  /** See {@link Broker#heartbeat}. */
  List<LeaseStatus> heartbeat(List<LeaseRef> leases, Instant expires) {
    List<LeaseStatus> out = new ArrayList<>(leases.size());
    for (LeaseRef ref : leases) {
      Slot slot = current(ref);
      if (slot == null) {
        out.add(LeaseStatus.LOST);
        continue;
      }
      slot.extend(expires);
      out.add(slot.cancelRequested() ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.ACTIVE);
    }
    return out;
  }

  /** See {@link Broker#progress}. */
  void progress(LeaseRef lease, double fraction, String message) {
    Slot slot = current(lease);
    if (slot != null) {
      slot.write(
          slot.record().toBuilder()
              .progress(Math.max(0, Math.min(1, fraction)))
              .progressMessage(message)
              .build());
    }
  }

  /** See {@link Broker#release}. */
  void release(List<LeaseRef> leases, Instant now) {
    for (LeaseRef ref : leases) {
      Slot slot = current(ref);
      if (slot == null) {
        continue;
      }
      finish(slot);
      JobRecord r = slot.record();
      limits.released(r);
      if (r.cancelRequested()) {
        jobs.transition(
            slot,
            r.toBuilder().state(JobState.CANCELLED).finishedAt(now).leaseExpiresAt(null).build());
        continue;
      }
      jobs.transition(
          slot,
          r.toBuilder()
              .state(JobState.QUEUED)
              .attempts(Math.max(0, r.attempts() - 1))
              .started(false)
              .startedAt(null)
              .leaseExpiresAt(null)
              .workerId(null)
              .build());
      jobs.schedule(jobs.queue(r.queue()), slot, now);
    }
  }

  /** See {@link Broker#reapExpiredLeases}. */
  int reap(Instant now) {
    List<Slot> expired = new ArrayList<>();
    for (Slot slot = leased.first(); slot != null; slot = slot.nextLeased) {
      Instant at = slot.leaseExpiresAt();
      if (at != null && !at.isAfter(now)) {
        expired.add(slot);
      }
    }
    for (Slot slot : expired) {
      finish(slot);
      JobRecord r = slot.record();
      JobError error =
          JobError.of(
              "dev.semafor.LeaseExpired",
              "lease expired at " + r.leaseExpiresAt() + " (worker " + r.workerId() + " gone?)");
      JobRecord.Builder next = r.toBuilder().error(error).leaseExpiresAt(null);
      if (r.cancelRequested()) {
        jobs.transition(slot, next.state(JobState.CANCELLED).finishedAt(now).build());
      } else if (r.hasAttemptsLeft()) {
        jobs.transition(slot, next.state(JobState.QUEUED).runAt(now).started(false).build());
        jobs.schedule(jobs.queue(r.queue()), slot, now);
      } else {
        jobs.transition(slot, next.state(JobState.DEAD).finishedAt(now).build());
      }
    }
    return expired.size();
  }

  /** See {@link Broker#cancelRequested}. */
  List<String> cancelRequested(String workerId) {
    List<String> ids = new ArrayList<>();
    for (Slot slot = leased.first(); slot != null; slot = slot.nextLeased) {
      if (slot.cancelRequested() && workerId.equals(slot.workerId())) {
        ids.add(slot.fixed().id());
      }
    }
    return ids;
  }
}
