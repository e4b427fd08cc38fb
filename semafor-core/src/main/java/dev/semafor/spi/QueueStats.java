package dev.semafor.spi;

import dev.semafor.JobState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many jobs of one queue are in each state. {@code leased} is how many of the {@code RUNNING}
 * ones are leased but not started (waiting in a worker's local queue, see {@link
 * JobRecord#isLeasedWaiting()}); {@link #running()} counts the others. {@code paused}: whether the
 * queue is paused ({@link Broker#pauseQueue}).
 */
public record QueueStats(String queue, Map<JobState, Long> counts, long leased, boolean paused) {
  public QueueStats {
    if (leased < 0) {
      throw new IllegalArgumentException("leased must not be negative: " + leased);
    }
    EnumMap<JobState, Long> all = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      all.put(s, counts.getOrDefault(s, 0L));
    }
    counts = Map.copyOf(all);
  }

  /** Counts of a queue that is not paused. */
  public QueueStats(String queue, Map<JobState, Long> counts, long leased) {
    this(queue, counts, leased, false);
  }

  /** Counts with no job told apart as leased-but-waiting (a backend that cannot tell). */
  public QueueStats(String queue, Map<JobState, Long> counts) {
    this(queue, counts, 0);
  }

  /**
   * What {@link Broker#stats} returns given a backend's counts and its paused queues: each queue
   * marked paused or not, and a paused queue that holds no job listed with zero counts; sorted by
   * name.
   */
  public static List<QueueStats> withPaused(List<QueueStats> stats, Collection<String> paused) {
    if (paused.isEmpty()) {
      return stats;
    }
    Map<String, QueueStats> byName = new TreeMap<>();
    for (QueueStats s : stats) {
      byName.put(s.queue(), s);
    }
    for (String q : paused) {
      byName.putIfAbsent(q, new QueueStats(q, Map.of()));
    }
    List<QueueStats> out = new ArrayList<>(byName.size());
    for (QueueStats s : byName.values()) {
      out.add(new QueueStats(s.queue(), s.counts(), s.leased(), paused.contains(s.queue())));
    }
    return out;
  }

  /** {@code RUNNING} jobs whose worker has started them. */
  public long running() {
    return Math.max(0, count(JobState.RUNNING) - leased);
  }

  /**
   * The counts as status, the dashboard and the metrics show them: by lower-case state name in
   * state order, with {@code running} counting started jobs only and {@code leased} (just before
   * it) the leased jobs still waiting in a worker's local queue.
   */
  public Map<String, Long> shownCounts() {
    Map<String, Long> shown = new java.util.LinkedHashMap<>();
    for (JobState s : JobState.values()) {
      if (s == JobState.RUNNING) {
        shown.put("leased", leased);
        shown.put("running", running());
      } else {
        shown.put(s.name().toLowerCase(java.util.Locale.ROOT), count(s));
      }
    }
    return shown;
  }

  public long count(JobState state) {
    return counts.get(state);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
