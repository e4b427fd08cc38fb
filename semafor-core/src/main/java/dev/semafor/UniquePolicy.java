package dev.semafor;

/**
 * What enqueueing does when a job with the same unique key is still waiting or running ({@code
 * SCHEDULED}, {@code QUEUED} or {@code RUNNING}). A finished job never blocks a new one.
 */
public enum UniquePolicy {
  /** Keep the existing job; the enqueue returns it (its handle) instead of storing a new one. */
  REJECT,
  /**
   * Cancel the existing job and store the new one — if the existing job is still waiting. A job
   * that is already running is never replaced: the enqueue returns it, as with {@link #REJECT}.
   */
  REPLACE
}
