package dev.semafor.broker;

import java.time.Duration;
import java.util.List;

/**
 * Asks for up to {@code max} jobs from {@code queues} (in the order given: an earlier queue's jobs
 * go first), each leased to {@code workerId} for {@code duration}.
 */
public record LeaseRequest(List<String> queues, int max, String workerId, Duration duration) {
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
  }
}
