package dev.semafor.spi;

import dev.semafor.JobError;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A failed attempt. The core decides what follows: {@code retryAt} non-null schedules the next
 * attempt then; {@code null} makes the job {@code DEAD} — or {@code CANCELLED} when {@code
 * cancelled} is set (the attempt stopped because someone cancelled the job).
 */
public record Failure(
    LeaseRef lease, JobError error, @Nullable Instant retryAt, boolean cancelled) {
  public Failure {
    if (cancelled && retryAt != null) {
      throw new IllegalArgumentException("a cancelled attempt is not retried");
    }
  }

  /** A failure that is retried at {@code retryAt}, or is dead if that is null. */
  public Failure(LeaseRef lease, JobError error, Instant retryAt) {
    this(lease, error, retryAt, false);
  }

  public static Failure retry(LeaseRef lease, JobError error, Instant at) {
    return new Failure(lease, error, at, false);
  }

  public static Failure dead(LeaseRef lease, JobError error) {
    return new Failure(lease, error, null, false);
  }

  /** The attempt stopped because the job was cancelled: the job ends {@code CANCELLED}. */
  public static Failure cancelled(LeaseRef lease, JobError error) {
    return new Failure(lease, error, null, true);
  }
}
