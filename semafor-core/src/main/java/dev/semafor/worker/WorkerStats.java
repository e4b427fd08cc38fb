package dev.semafor.worker;

/**
 * What a worker has done since it started. {@code retried} counts failed attempts that were
 * scheduled again; {@code lost} counts results the broker rejected because the lease had expired;
 * {@code released} counts leased jobs handed back unstarted: at shutdown, and while running those
 * whose lease expired before they could start, that waited too long behind running jobs, that were
 * of a task the worker does not have, or that were cancelled before they started.
 */
public record WorkerStats(
    long leased,
    long succeeded,
    long retried,
    long dead,
    long cancelled,
    long released,
    long lost,
    int inFlight) {

  /** Attempts that ended, one way or another. */
  public long finished() {
    return succeeded + retried + dead + cancelled;
  }
}
