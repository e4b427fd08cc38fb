package dev.semafor.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Asks for up to {@code max} jobs from {@code queues} (in the order given: an earlier queue's jobs
 * go first), each leased to {@code workerId} for {@code duration}.
 *
 * <p>{@code tasks} names the tasks the worker can run; a broker leases only jobs of those tasks and
 * leaves the others where they are, in their place in line, for a worker that has them. Null or
 * empty means any task (a request built without it, by an older caller, takes every job).
 */
public record LeaseRequest(
    List<String> queues, int max, String workerId, Duration duration, Set<String> tasks) {
  public LeaseRequest {
    queues = List.copyOf(queues);
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("a lease request needs at least one queue");
    }
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("lease duration must be positive: " + duration);
    }
    tasks = tasks == null ? Set.of() : Set.copyOf(tasks);
  }

  /** A request for jobs of any task. */
  public LeaseRequest(List<String> queues, int max, String workerId, Duration duration) {
    this(queues, max, workerId, duration, Set.of());
  }

  /** True if this request takes jobs of {@code task}: it names no tasks, or names this one. */
  public boolean admits(String task) {
    return tasks.isEmpty() || tasks.contains(task);
  }
}
