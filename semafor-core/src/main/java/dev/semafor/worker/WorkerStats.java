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

  /**
   * A line for people, as the worker's stop log and {@code semafor worker} print it: {@code "201
   * succeeded, 0 retried, 1 dead, 0 cancelled, 0 released, 0 lost of 202 leased"}, and {@code ", 3
   * in flight"} while jobs still run.
   */
  @Override
  public String toString() {
    String line =
        succeeded
            + " succeeded, "
            + retried
            + " retried, "
            + dead
            + " dead, "
            + cancelled
            + " cancelled, "
            + released
            + " released, "
            + lost
            + " lost of "
            + leased
            + " leased";
    return inFlight == 0 ? line : line + ", " + inFlight + " in flight";
  }
}
