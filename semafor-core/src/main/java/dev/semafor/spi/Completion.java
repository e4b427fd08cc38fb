package dev.semafor.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A successful attempt: the lease it ran under, its JSON result ({@code null} for none), and the
 * jobs to enqueue because it succeeded ({@code then}: the next step of a chain). The broker stores
 * the success and enqueues {@code then} in one atomic step, or does neither if the lease was lost;
 * a job in {@code then} whose id already exists is not enqueued again.
 */
public record Completion(LeaseRef lease, @Nullable String result, List<JobRecord> then) {
  public Completion {
    then = then == null ? List.of() : List.copyOf(then);
  }

  public Completion(LeaseRef lease, String result) {
    this(lease, result, List.of());
  }
}
