package dev.semafor.broker;

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
}
