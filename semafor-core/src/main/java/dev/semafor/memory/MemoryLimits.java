package dev.semafor.memory;

import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The memory broker's concurrency and rate limits. Not thread-safe: every method runs under the
 * broker's lock, which is what makes check-and-take atomic.
 *
 * <h2>Counting</h2>
 *
 * Concurrency: the number of {@code RUNNING} jobs per key, raised when one is leased and lowered
 * when its lease ends (success, failure, release or expiry). Rate: per key, the start instants
 * within the last period (a sliding window), pruned as time passes; a start is given back only when
 * its lease is released unstarted ({@link #released}), never when an attempt fails.
 *
 * <h2>Parking</h2>
 *
 * A due job whose key is at its limit is parked: taken out of its queue's ready structure and kept
 * aside per key, in the order it was polled (priority, then enqueue order). So a long line of
 * blocked jobs costs nothing on each lease, and the jobs behind it are reached at once. Before each
 * lease, {@link #unpark} hands back to the ready structure as many parked jobs per key as the key
 * now has room for, so a parked job keeps its place and is never starved. Parked entries are
 * checked lazily: one that is no longer waiting (cancelled, say) is dropped when it surfaces.
 */
final class MemoryLimits {
  /** Why a job may not start now. */
  enum Block {
    CONCURRENCY,
    RATE
  }

  private final Map<String, Integer> runningByKey = new HashMap<>();
  private final Map<String, Window> windows = new HashMap<>();
  private final Map<String, ArrayDeque<Slot>> parkedByConcurrency = new HashMap<>();
  private final Map<String, ArrayDeque<Slot>> parkedByRate = new HashMap<>();

  /** Null if {@code r} may start at {@code now}; otherwise the limit that holds it back. */
  Block check(JobRecord r, Instant now) {
    if (r.isConcurrencyLimited()
        && runningByKey.getOrDefault(r.concurrencyKey(), 0) >= r.concurrencyLimit()) {
      return Block.CONCURRENCY;
    }
    if (r.isRateLimited() && window(r, now).size() >= r.ratePermits()) {
      return Block.RATE;
    }
    return null;
  }

  /** Counts a job that was just leased. */
  void started(JobRecord r, Instant now) {
    if (r.isConcurrencyLimited()) {
      runningByKey.merge(r.concurrencyKey(), 1, Integer::sum);
    }
    if (r.isRateLimited()) {
      Window w = windows.computeIfAbsent(r.rateKey(), k -> new Window());
      w.period = r.ratePeriod();
      w.starts.addLast(now);
    }
  }

  /** Frees the concurrency slot of a job whose lease ended. */
  void finished(JobRecord r) {
    if (r.isConcurrencyLimited()) {
      runningByKey.computeIfPresent(r.concurrencyKey(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /**
   * Gives back the rate start of a job whose lease was released before it ran (see {@link
   * Broker#release}); {@code r} is its record while leased, whose start time is that start.
   */
  void released(JobRecord r) {
    if (r.isRateLimited()) {
      Window w = windows.get(r.rateKey());
      if (w != null) {
        w.starts.removeLastOccurrence(r.startedAt());
      }
    }
  }

  /** How many jobs with this key are running. */
  int running(String concurrencyKey) {
    return runningByKey.getOrDefault(concurrencyKey, 0);
  }

  void park(Slot slot, Block why) {
    JobRecord r = slot.fixed();
    Map<String, ArrayDeque<Slot>> parked =
        why == Block.CONCURRENCY ? parkedByConcurrency : parkedByRate;
    String key = why == Block.CONCURRENCY ? r.concurrencyKey() : r.rateKey();
    parked.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(slot);
  }

  /** Hands back, per key, as many parked waiting jobs as the key has room for at {@code now}. */
  void unpark(Instant now, Consumer<Slot> toReady) {
    unpark(parkedByConcurrency, r -> r.concurrencyLimit() - running(r.concurrencyKey()), toReady);
    unpark(parkedByRate, r -> r.ratePermits() - window(r, now).size(), toReady);
    pruneIdleWindows(now);
  }

  private interface Room {
    int of(JobRecord head);
  }

  private static void unpark(
      Map<String, ArrayDeque<Slot>> parked, Room room, Consumer<Slot> toReady) {
    if (parked.isEmpty()) { // the usual case, on every lease call: no iterator
      return;
    }
    Iterator<ArrayDeque<Slot>> keys = parked.values().iterator();
    while (keys.hasNext()) {
      ArrayDeque<Slot> line = keys.next();
      dropStale(line);
      int free = line.isEmpty() ? 0 : room.of(line.peekFirst().record());
      while (free > 0 && !line.isEmpty()) {
        toReady.accept(line.pollFirst());
        free--;
        dropStale(line);
      }
      if (line.isEmpty()) {
        keys.remove();
      }
    }
  }

  private static void dropStale(ArrayDeque<Slot> line) {
    while (!line.isEmpty()) {
      Slot head = line.peekFirst();
      if (head.state().isWaiting() && !head.inReady) {
        return;
      }
      line.pollFirst();
    }
  }

  /** The starts of {@code r}'s rate key within its period before {@code now}, pruned. */
  private ArrayDeque<Instant> window(JobRecord r, Instant now) {
    Window w = windows.get(r.rateKey());
    if (w == null) {
      return new ArrayDeque<>(0);
    }
    Instant from = now.minus(r.ratePeriod());
    while (!w.starts.isEmpty() && !w.starts.peekFirst().isAfter(from)) {
      w.starts.pollFirst();
    }
    return w.starts;
  }

  /** Forgets windows whose starts have all aged out, so that the map stays small. */
  private void pruneIdleWindows(Instant now) {
    if (windows.size() < 1024) {
      return;
    }
    List<String> idle = new ArrayList<>();
    for (Map.Entry<String, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      if (w.starts.isEmpty() || !w.starts.peekLast().isAfter(now.minus(w.period))) {
        idle.add(e.getKey());
      }
    }
    idle.forEach(windows::remove);
  }

  /** The recent starts of one rate key, and the period last seen for it. */
  private static final class Window {
    final ArrayDeque<Instant> starts = new ArrayDeque<>();
    java.time.Duration period;
  }
}
