package dev.semafor.memory;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The memory broker's live leases, from {@link #start} to their end: the leased jobs (each in the
 * {@link Batch} of its lease call, kept while it has a live lease), their tokens, heartbeats and
 * progress, release, expiry, and the cancellations their workers poll for. A lease ends through
 * {@link #finish}, which frees its concurrency slot. A job is leased exactly while its slot names a
 * batch; only reaping and cancellation checks walk the live batches, so a lease and its end write
 * no links into other jobs' slots.
 *
 * <h2>Tokens by lease call</h2>
 *
 * The jobs of one lease call share one token ({@link Batch}): a job is in a call at most once, so a
 * job's id and the token still name one attempt, and a new call issues a new token. Making one
 * string per call instead of one per job matters when a call leases hundreds of microsecond jobs.
 * The batch also finds a job's slot for {@link #current} without the lookup by id: completions come
 * back in about the order their jobs were leased, so the batch's cursor usually points at the job
 * (the lookup by id remains for the others).
 *
 * <p>{@link #start}, {@link #current} and {@link #finish} are on every lease and completion: no
 * lookup but the batch by token, and no allocation but the new record and the lease.
 *
 * <p>Not thread-safe: every method runs under the broker's lock.
 */
final class MemoryLeases {
  /** Tokens are this broker's prefix and a counter: unique, and cheap to make on every lease. */
  private final String tokenPrefix =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";

  private final MemoryJobs jobs;
  private final MemoryLimits limits;

  /** The lease calls with a live lease, by token. */
  private final Map<String, Batch> batches = new HashMap<>();

  private long tokens;

  /** The batch {@link #current} found last, while it has a live lease; else null. */
  private Batch lastFound;

  /** The jobs one lease call leased, under its one token. */
  static final class Batch {
    /** How far {@link #find} looks past the cursor before it falls back to the lookup by id. */
    private static final int WINDOW = 8;

    final String token;

    /** What its leases share (Lease.Terms), made by its first lease; null until then. */
    private Lease.Terms terms;

    private Slot[] slots;

    /** The jobs' ids, beside {@link #slots}: compared without reading each slot's record. */
    private String[] ids;

    private int size;

    /** Every slot before it has finished its lease (or is about to be found out of order). */
    private int cursor;

    /** How many of its leases are live. */
    private int live;

    Batch(String token, int capacity) {
      this.token = token;
      this.slots = new Slot[Math.max(1, capacity)];
      this.ids = new String[slots.length];
    }

    int size() {
      return size;
    }

    /** Its leases' terms: made once for a lease call, whose leases all pass the same values. */
    @SuppressWarnings("ReferenceEquality") // the call's own values: anything else makes new terms
    Lease.Terms terms(String workerId, Instant now, Instant expires) {
      Lease.Terms t = terms;
      if (t == null
          || t.workerId() != workerId
          || t.leasedAt() != now
          || t.expiresAt() != expires) {
        t = new Lease.Terms(now, workerId, token, expires);
        terms = t;
      }
      return t;
    }

    private void add(Slot slot) {
      if (size == slots.length) {
        slots = java.util.Arrays.copyOf(slots, 2 * size);
        ids = java.util.Arrays.copyOf(ids, 2 * size);
      }
      slot.batch = this;
      slot.batchIndex = size;
      ids[size] = slot.fixed().id();
      slots[size++] = slot;
      live++;
    }

    /** Where the job after the last one found would be. */
    private int hint;

    /**
     * The live slot of job {@code id} if it is a little after the last one found or near the cursor
     * (the usual cases: completions in lease order, or each pool member's jobs in turn, which with
     * N members are every Nth of the batch); null if it is not there.
     */
    private Slot near(String id) {
      Slot slot = within(id, hint);
      return slot != null ? slot : within(id, cursor);
    }

    /** The live slot of job {@code id} among the {@link #WINDOW} from {@code from}, or null. */
    private Slot within(String id, int from) {
      int end = Math.min(size, from + WINDOW);
      for (int i = from; i < end; i++) {
        if (slots[i] != null && id.equals(ids[i])) {
          hint = i + 1;
          return slots[i];
        }
      }
      return null;
    }

    /** Forgets a slot whose lease ended; true once none is live. */
    private boolean remove(Slot slot) {
      slots[slot.batchIndex] = null;
      ids[slot.batchIndex] = null;
      slot.batch = null;
      while (cursor < size && slots[cursor] == null) {
        cursor++;
      }
      return --live == 0;
    }
  }

  MemoryLeases(MemoryJobs jobs, MemoryLimits limits) {
    this.jobs = jobs;
    this.limits = limits;
  }

  /** A new lease call's batch, with a new token, for up to about {@code capacity} jobs. */
  Batch begin(int capacity) {
    return new Batch(tokenPrefix + Long.toHexString(++tokens), capacity);
  }

  /** Ends a lease call: its batch is kept while it has a live lease. */
  void end(Batch batch) {
    if (batch.live > 0) {
      batches.put(batch.token, batch);
    }
  }

  /**
   * Leases a waiting job to {@code workerId} until {@code expires} in {@code batch}: running, under
   * the batch's token.
   */
  Lease start(Batch batch, Slot slot, String workerId, Instant now, Instant expires) {
    jobs.lease(slot, workerId, now, expires);
    batch.add(slot);
    limits.started(slot.fixed(), now);
    // The record as it waited and what the lease changed: no copy of it per job (Lease#leased),
    // and the call's terms shared by its leases.
    return Lease.leased(slot.fixed(), slot.attempts(), batch.terms(workerId, now, expires));
  }

  /** The job whose live lease {@code ref} names, or null if that lease is stale or unknown. */
  @SuppressWarnings("StringEquality") // the batch's own token string: the map finds the others
  Slot current(LeaseRef ref) {
    Batch batch = lastFound;
    // A batch's completions come together, under the very token string it issued: no lookup.
    if (batch == null || batch.token != ref.token()) {
      batch = batches.get(ref.token());
      if (batch == null) {
        return null;
      }
      lastFound = batch;
    }
    Slot slot = batch.near(ref.jobId());
    if (slot != null) {
      return slot;
    }
    slot = jobs.slot(ref.jobId());
    if (slot == null || slot.batch != batch) {
      return null;
    }
    batch.hint = slot.batchIndex + 1;
    return slot;
  }

  /** Ends the current lease of a running job: forgets its token and frees its slot. */
  void finish(Slot slot) {
    Batch batch = slot.batch;
    if (batch == null) {
      return; // not leased
    }
    if (batch.remove(slot)) {
      batches.remove(batch.token);
      if (lastFound == batch) {
        lastFound = null;
      }
    }
    limits.finished(slot.fixed());
  }

  /** The slots with a live lease, in no order (a copy: the caller may end their leases). */
  private List<Slot> leased() {
    List<Slot> out = new ArrayList<>();
    for (Batch batch : batches.values()) {
      for (int i = batch.cursor; i < batch.size; i++) {
        if (batch.slots[i] != null) {
          out.add(batch.slots[i]);
        }
      }
    }
    return out;
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
    for (Slot slot : leased()) {
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
    for (Slot slot : leased()) {
      if (slot.cancelRequested() && workerId.equals(slot.workerId())) {
        ids.add(slot.fixed().id());
      }
    }
    return ids;
  }
}
