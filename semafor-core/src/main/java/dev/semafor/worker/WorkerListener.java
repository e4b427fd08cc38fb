package dev.semafor.worker;

import dev.semafor.spi.Lease;
import java.util.List;

/**
 * Hooks into a worker's life, for metrics and tools. Every method defaults to nothing. Called on
 * the worker's own threads: return quickly and do not throw (an exception is logged and ignored: it
 * never stops a pool member, the completer or a job).
 */
public interface WorkerListener {
  /** Jobs were leased into the local queue. */
  default void onLeased(List<Lease> leases) {}

  /** A pool member began running a job. */
  default void onStarted(Assignment assignment) {}

  /** An attempt ended; {@code runNanos} is the time it ran on its pool member. */
  default void onFinished(Assignment assignment, Outcome outcome, long runNanos) {}

  /**
   * The broker recorded an attempt's outcome, and what became of the job: succeeded, retried, dead
   * or cancelled. Not called when the lease was lost ({@link #onLeaseLost} is).
   */
  default void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {}

  /**
   * This worker's heartbeater found {@code count} expired leases (of dead workers) and reaped them.
   */
  default void onLeasesReaped(int count) {}

  /** The broker rejected a result because the lease was lost. */
  default void onLeaseLost(Assignment assignment) {}

  WorkerListener NONE = new WorkerListener() {};
}
