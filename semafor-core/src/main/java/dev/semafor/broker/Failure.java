package dev.semafor.broker;

import dev.semafor.JobError;
import java.time.Instant;

/**
 * A failed attempt. The core decides what follows: {@code retryAt} non-null schedules the next
 * attempt then; {@code null} makes the job {@code DEAD}.
 */
public record Failure(LeaseRef lease, JobError error, Instant retryAt) {
  public static Failure retry(LeaseRef lease, JobError error, Instant at) {
    return new Failure(lease, error, at);
  }

  public static Failure dead(LeaseRef lease, JobError error) {
    return new Failure(lease, error, null);
  }
}
