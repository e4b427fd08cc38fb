package dev.semafor.spi;

import java.util.List;
import java.util.Objects;

/**
 * How many jobs of one task wait ({@code QUEUED}) in one queue; {@link Broker#queuedTasks} lists
 * them, and status and the dashboard compare them with what live workers can run.
 */
public record TaskCount(String queue, String task, long queued) {
  public TaskCount {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(task, "task");
    if (queued < 0) {
      throw new IllegalArgumentException("queued must not be negative: " + queued);
    }
  }

  /**
   * The counts in {@code queued} that no worker in {@code live} {@linkplain WorkerInfo#serves
   * serves}: jobs that wait for a task no live worker has (or on a queue no live worker takes).
   */
  public static List<TaskCount> unserved(List<TaskCount> queued, List<WorkerInfo> live) {
    return queued.stream()
        .filter(c -> live.stream().noneMatch(w -> w.serves(c.queue(), c.task())))
        .toList();
  }
}
