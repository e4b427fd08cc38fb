package dev.semafor.broker;

import dev.semafor.JobState;
import java.util.EnumMap;
import java.util.Map;

/** How many jobs of one queue are in each state. */
public record QueueStats(String queue, Map<JobState, Long> counts) {
  public QueueStats {
    EnumMap<JobState, Long> all = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      all.put(s, counts.getOrDefault(s, 0L));
    }
    counts = Map.copyOf(all);
  }

  public long count(JobState state) {
    return counts.get(state);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
