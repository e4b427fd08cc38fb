package dev.semafor.worker;

import dev.semafor.spi.LeaseRef;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every job a worker holds a lease on: waiting in its inbox or running. The fetcher adds what it
 * leases; the worker removes a job once its outcome is recorded, its lease lost, or it is handed
 * back; the heartbeater extends them all. Safe for all of them at once, without a lock.
 *
 * <h2>Kept by batch</h2>
 *
 * The fetcher adds a lease call's jobs as one {@link Batch} ({@link #addAll}): one set operation
 * per batch, not per job. Each assignment carries its batch and a held flag; {@link #remove} clears
 * the flag by compare-and-set (so that only one of two racing removers acts on a job) and counts
 * the batch down, and the batch leaves the set with its last job. The walks ({@link #snapshot},
 * {@link #running}) skip the jobs no longer held; they run about once a second.
 */
final class HeldLeases {
  /** The jobs of one lease call that are still held (some of its array may not be). */
  static final class Batch {
    private final Assignment[] jobs;
    private final AtomicInteger live;

    private Batch(Assignment[] jobs) {
      this.jobs = jobs;
      this.live = new AtomicInteger(jobs.length);
    }

    /**
     * Lets go of a job no longer held (by whoever unheld it), so that a batch kept by one long job
     * does not keep the others' leases and records. Each index is cleared once, by one thread.
     */
    private void forget(Assignment a) {
      JOBS.setRelease(jobs, a.heldIndex(), (Assignment) null);
    }
  }

  private static final VarHandle JOBS = MethodHandles.arrayElementVarHandle(Assignment[].class);

  private final Set<Batch> batches = ConcurrentHashMap.newKeySet();

  /** How many jobs are held now. */
  private final AtomicInteger size = new AtomicInteger();

  /** Every job ever added, for the worker's stats. */
  private final AtomicLong leased = new AtomicLong();

  /** Holds {@code a}, counting it as leased. */
  void add(Assignment a) {
    addAll(List.of(a));
  }

  /** Holds every one of {@code assignments} (none held yet), as one batch. */
  void addAll(List<Assignment> assignments) {
    // Copied by hand: ArrayList.toArray(T[]) is shared by every caller in the JVM, and a type
    // check its profile did not see deoptimizes the leasing code that inlined it.
    Assignment[] jobs = new Assignment[assignments.size()];
    for (int i = 0; i < jobs.length; i++) {
      jobs[i] = assignments.get(i);
    }
    hold(jobs);
  }

  /**
   * Holds every one of {@code assignments} (none held yet), as one batch: a copy of the array,
   * since the batch clears its entries as their jobs are let go while the caller may still read it.
   */
  void addAll(Assignment[] assignments) {
    hold(assignments.clone());
  }

  /** Holds every one of {@code jobs} as one batch that owns the array. */
  private void hold(Assignment[] jobs) {
    if (jobs.length == 0) {
      return;
    }
    Batch batch = new Batch(jobs);
    for (int i = 0; i < jobs.length; i++) {
      if (!jobs[i].hold(batch, i)) {
        throw new IllegalArgumentException("already held: " + jobs[i]);
      }
    }
    size.addAndGet(jobs.length);
    leased.addAndGet(jobs.length);
    batches.add(batch);
  }

  /** Drops {@code a}; true if it was held (so that only one of two racing removers acts on it). */
  boolean remove(Assignment a) {
    Batch batch = a.heldIn();
    if (batch == null || !a.unhold()) {
      return false;
    }
    batch.forget(a);
    size.decrementAndGet();
    if (batch.live.decrementAndGet() == 0) {
      batches.remove(batch);
    }
    return true;
  }

  /**
   * Drops each of {@code assignments} that is held (those a completer batch recorded): one update
   * of the count for them all, and one of a batch's for each run of its jobs.
   */
  void removeEach(List<Assignment> assignments) {
    int dropped = 0;
    Batch run = null;
    int inRun = 0;
    for (Assignment a : assignments) {
      Batch batch = a.heldIn();
      if (batch == null || !a.unhold()) {
        continue;
      }
      batch.forget(a);
      dropped++;
      if (batch != run) {
        countDown(run, inRun);
        run = batch;
        inRun = 0;
      }
      inRun++;
    }
    countDown(run, inRun);
    if (dropped > 0) {
      size.addAndGet(-dropped);
    }
  }

  private void countDown(Batch batch, int n) {
    if (batch != null && n > 0 && batch.live.addAndGet(-n) == 0) {
      batches.remove(batch);
    }
  }

  int size() {
    return size.get();
  }

  boolean isEmpty() {
    return size.get() == 0;
  }

  /** How many jobs were ever held. */
  long leasedTotal() {
    return leased.get();
  }

  /** The jobs held now, a copy in no particular order. */
  List<Assignment> snapshot() {
    List<Assignment> out = new ArrayList<>();
    for (Batch b : batches) {
      for (int i = 0; i < b.jobs.length; i++) {
        Assignment a = (Assignment) JOBS.getAcquire(b.jobs, i);
        if (a != null && a.isHeld()) {
          out.add(a);
        }
      }
    }
    return out;
  }

  /** The jobs held now that started, have not finished, and whose start the broker was not told. */
  List<Assignment> startedUnreported() {
    List<Assignment> started = new ArrayList<>();
    for (Assignment a : snapshot()) {
      if (a.startedAtNanos() != 0 && !a.isFinished() && !a.startReported()) {
        started.add(a);
      }
    }
    return started;
  }

  /** The jobs held now that started and have not finished. */
  List<Assignment> running() {
    List<Assignment> running = new ArrayList<>();
    for (Assignment a : snapshot()) {
      if (a.startedAtNanos() != 0 && !a.isFinished()) {
        running.add(a);
      }
    }
    return running;
  }

  /** Drops every job and returns their leases. */
  List<LeaseRef> clear() {
    return removeAll(snapshot());
  }

  /** The leases of {@code assignments} this removed: those still held. */
  List<LeaseRef> removeAll(List<Assignment> assignments) {
    List<LeaseRef> refs = new ArrayList<>(assignments.size());
    for (Assignment a : assignments) {
      if (remove(a)) {
        refs.add(a.ref());
      }
    }
    return refs;
  }
}
