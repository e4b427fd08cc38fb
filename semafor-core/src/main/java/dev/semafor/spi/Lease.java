package dev.semafor.spi;

import java.time.Instant;

/**
 * A job handed to one worker until {@code expiresAt}. Every later call about this attempt carries
 * {@link #ref()}; the broker rejects one whose token is no longer current.
 */
public record Lease(JobRecord job, String token, Instant expiresAt) {
  public LeaseRef ref() {
    return new LeaseRef(job.id(), token);
  }
}
