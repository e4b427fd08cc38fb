package dev.semafor.worker;

import dev.semafor.spi.LeaseRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every job a worker holds a lease on: waiting in its inbox or running. The fetcher adds what it
 * leases; the worker removes a job once its outcome is recorded, its lease lost, or it is handed
 * back; the heartbeater extends them all. Safe for all of them at once, without a lock.
 *
 * <p>A set by identity: one assignment per lease, and no need to hash the job's id on every lease
 * and completion.
 */
final class HeldLeases {
  private final Set<Assignment> held = ConcurrentHashMap.newKeySet();

  /** Every job ever added, for the worker's stats. */
  private final LongAdder leased = new LongAdder();

  /** Holds {@code a}, counting it as leased. */
  void add(Assignment a) {
    leased.increment();
    held.add(a);
  }

  /** Drops {@code a}; true if it was held (so that only one of two racing removers acts on it). */
  boolean remove(Assignment a) {
    return held.remove(a);
  }

  int size() {
    return held.size();
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /** How many jobs were ever held. */
  long leasedTotal() {
    return leased.sum();
  }

  /** The jobs held now, a copy in no particular order. */
  List<Assignment> snapshot() {
    return new ArrayList<>(held);
  }

  /** The jobs held now that started, have not finished, and whose start the broker was not told. */
  List<Assignment> startedUnreported() {
    List<Assignment> started = new ArrayList<>();
    for (Assignment a : held) {
      if (a.startedAtNanos() != 0 && !a.isFinished() && !a.startReported()) {
        started.add(a);
      }
    }
    return started;
  }

  /** The jobs held now that started and have not finished. */
  List<Assignment> running() {
    List<Assignment> running = new ArrayList<>();
    for (Assignment a : held) {
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
      if (held.remove(a)) {
        refs.add(a.ref());
      }
    }
    return refs;
  }
}
