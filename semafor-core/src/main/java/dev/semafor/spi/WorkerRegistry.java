package dev.semafor.spi;

import java.util.List;

/**
 * The worker registry: live workers register, heartbeat and unregister; status and the dashboard
 * list them ({@link #workers}) and tell gone ones by their last heartbeat, stamped with the
 * broker's own clock.
 */
public interface WorkerRegistry {

  /**
   * Adds a worker to the registry, or replaces the entry with the same id. The broker stamps {@link
   * WorkerInfo#lastHeartbeat()} with its own clock.
   */
  void registerWorker(WorkerInfo info);

  /**
   * Records that a registered worker is alive and holds {@code inFlight} jobs, stamping its
   * heartbeat with the broker's clock. Ignored for an id that is not registered (a worker that
   * finds itself missing from {@link #workers()} registers again).
   */
  void heartbeatWorker(String workerId, int inFlight);

  /**
   * Every registered worker, sorted by id, including those that stopped heartbeating (see {@link
   * WorkerInfo#isGone}); a broker may forget gone workers after a while.
   */
  List<WorkerInfo> workers();

  /** Removes a worker from the registry (it stopped cleanly). Ignored for an unknown id. */
  void unregisterWorker(String workerId);
}
