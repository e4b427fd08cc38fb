package dev.semafor;

/**
 * The states of a job, and the one place that says which transitions are allowed.
 *
 * <pre>
 * SCHEDULED ─(run-at comes)─▶ QUEUED ─(lease)─▶ RUNNING ─▶ SUCCEEDED
 *                                                    │
 *                                                    ├─(failure, attempts left)─▶ SCHEDULED
 *                                                    ├─(failure, no attempts left)─▶ DEAD
 *                                                    └─(lease expired / released)─▶ QUEUED
 * SCHEDULED | QUEUED ─(cancel)─▶ CANCELLED;   RUNNING ─(cancel, job stops)─▶ CANCELLED
 * DEAD | CANCELLED ─(retry)─▶ QUEUED
 * </pre>
 *
 * <p>A failed attempt is not a state of its own: the attempt's error is recorded on the job, which
 * is then either scheduled for its retry or dead.
 */
public enum JobState {
  SCHEDULED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  DEAD,
  CANCELLED;

  /** True for states a job never leaves on its own. */
  public boolean isFinished() {
    return switch (this) {
      case SUCCEEDED, DEAD, CANCELLED -> true;
      case SCHEDULED, QUEUED, RUNNING -> false;
    };
  }

  /** True if a job in this state may be leased once its run-at has come. */
  public boolean isWaiting() {
    return this == SCHEDULED || this == QUEUED;
  }

  /** Whether a job may move from this state to {@code next}. */
  public boolean canTransitionTo(JobState next) {
    return switch (this) {
      case SCHEDULED, QUEUED ->
          next == QUEUED || next == SCHEDULED || next == RUNNING || next == CANCELLED;
      case RUNNING ->
          next == SUCCEEDED
              || next == SCHEDULED
              || next == QUEUED
              || next == DEAD
              || next == CANCELLED;
      case DEAD, CANCELLED -> next == QUEUED;
      case SUCCEEDED -> false;
    };
  }

  /** Throws if the transition is not allowed. */
  public void checkTransition(JobState next, String jobId) {
    if (!canTransitionTo(next)) {
      throw new IllegalStateException("job " + jobId + " cannot move from " + this + " to " + next);
    }
  }
}
