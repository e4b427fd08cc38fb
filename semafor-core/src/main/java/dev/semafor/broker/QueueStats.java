package dev.semafor.broker;

import dev.semafor.JobState;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many jobs of one queue are in each state. {@code leased} is how many of the {@code RUNNING}
 * ones are leased but not started (waiting in a worker's local queue, see {@link
 * JobRecord#isLeasedWaiting()}); {@link #running()} counts the others.
 */
public record QueueStats(String queue, Map<JobState, Long> counts, long leased) {
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

  /** Counts with no job told apart as leased-but-waiting (a backend that cannot tell). */
  public QueueStats(String queue, Map<JobState, Long> counts) {
    this(queue, counts, 0);
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
