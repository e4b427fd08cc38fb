package dev.semafor.server.metrics;

import dev.semafor.ExecutionModel;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRef;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;

/**
 * Hooks a worker calls as jobs move through it; {@link WorkerMetrics} turns them into meters.
 *
 * <p><b>Proposed for {@code dev.semafor.worker}</b>: the Worker would accept one listener (config
 * or constructor) and call it as documented on each method. It lives here until the worker has it;
 * then this file moves there unchanged and {@link WorkerMetrics} imports it from there.
 *
 * <p>Methods default to no-ops. They run on the worker's own threads (fetcher, pool members,
 * completion writer) and must be quick and never block; a listener that throws is logged and
 * ignored by the worker, never allowed to fail a job.
 */
public interface WorkerListener {
  /** A listener that does nothing. */
  WorkerListener NONE = new WorkerListener() {};

  /** The worker started with a pool of {@code concurrency} members of {@code model}. */
  default void onWorkerStarted(String workerId, ExecutionModel model, int concurrency) {}

  /** The worker stopped (after draining, or at once). */
  default void onWorkerStopped(String workerId) {}

  /**
   * The fetcher leased a job ({@code lease.job().startedAt()} is the lease time, so {@code
   * startedAt - runAt} is how long it waited in its queue).
   */
  default void onLeased(Lease lease) {}

  /** A pool member began running the job. Each call is followed by one {@link #onFinished}. */
  default void onStarted(Assignment assignment) {}

  /**
   * The attempt ended: {@code outcome} is what the pool reported, {@code fate} what the worker then
   * recorded in the broker, {@code runTime} the time from {@link #onStarted} to the end.
   */
  default void onFinished(Assignment assignment, Outcome outcome, Fate fate, Duration runTime) {}

  /** The broker refused a heartbeat or completion for this lease: another worker may run it. */
  default void onLeaseLost(LeaseRef lease) {}

  /** This worker's reaper returned {@code count} jobs whose leases had expired to their queues. */
  default void onLeasesReaped(int count) {}

  /** What the worker recorded after an attempt. */
  enum Fate {
    /** Completed: the job is {@code SUCCEEDED}. */
    SUCCEEDED,
    /** Failed with attempts left: the job is scheduled to run again. */
    RETRYING,
    /** Failed for the last time, or not retryable: the job is {@code DEAD}. */
    DEAD,
    /** Stopped because it was cancelled: the job is {@code CANCELLED}. */
    CANCELLED,
    /** The lease was lost before the result could be recorded: nothing was written. */
    LOST
  }
}
