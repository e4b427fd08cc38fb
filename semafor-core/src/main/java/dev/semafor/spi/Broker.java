package dev.semafor.spi;

/**
 * The one boundary every storage backend implements. A broker stores jobs and hands them out under
 * leases; it does not decide policy: the core says when a failed job retries and whether it is
 * dead, and the broker records it. Every backend passes the same contract suite ({@code
 * semafor-tck}).
 *
 * <h2>Delivery</h2>
 *
 * At-least-once. {@link #lease} gives each job to one caller at a time, marks it {@code RUNNING},
 * counts the attempt and issues a fresh token. While the lease is live no other caller receives
 * that job. A lease that expires ({@link #reapExpiredLeases}) returns the job to its queue, or
 * makes it {@code DEAD} if it has no attempts left. {@link #complete}, {@link #fail} and {@link
 * #heartbeat} carry the token; a stale one changes nothing.
 *
 * <h2>Order</h2>
 *
 * Within one queue a lease takes the highest priority first, FIFO (by id) within a priority, and
 * only jobs whose run-at has come. Queues named earlier in a request go first.
 *
 * <h2>Rules every backend keeps (checked by the TCK)</h2>
 *
 * <ul>
 *   <li>Enqueueing a duplicate id, or a job that is not {@code QUEUED} or {@code SCHEDULED}, throws
 *       {@link IllegalArgumentException} naming the id; nothing of the batch is stored.
 *   <li>A leased batch is listed in lease order. A job is due when its run-at ≤ now.
 *   <li>A heartbeat after expiry but before the reaper ran still extends the lease.
 *   <li>A released job keeps its place in line (it is not sent to the back).
 *   <li>A job whose cancellation was requested while it ran becomes {@code CANCELLED} when its
 *       lease is released or reaped, never queued again.
 *   <li>Query time ranges are half-open: {@code [from, to)}. An empty broker has no stats.
 * </ul>
 *
 * <h2>Job control</h2>
 *
 * Whatever must hold across workers happens inside one call, atomically: unique keys at {@link
 * #enqueue} and {@link #retry}; concurrency and rate limits at {@link #lease}; a chain's next step
 * and a chord's callback at {@link #complete}; one job per schedule tick at {@link #claimTick}. The
 * TCK's {@code JobControlContract} checks each of them.
 *
 * <h2>Time</h2>
 *
 * A broker reads time from the clock it was opened with when that is a {@link ControlledClock}
 * (tests move it); a broker shared by many hosts otherwise reads what it compares across workers
 * from its server's clock (see {@link ControlledClock}).
 *
 * <h2>Roles</h2>
 *
 * The calls are grouped by who makes them, one interface each, so that a backend can be written and
 * reviewed a part at a time and a caller can take only the part it uses: {@link JobFlow} (moving
 * jobs: producers and workers), {@link JobAdmin} (an operator's control), {@link JobReads} (status
 * and the dashboard), {@link Maintenance} (the reaper and pruning), {@link WorkerRegistry} (live
 * workers) and the capability {@link WorkSignal} (waking idle workers). A backend implements {@code
 * Broker}, which is all of them; {@link ForwardingBroker} forwards each.
 *
 * <p>Implementations are thread-safe.
 */
public interface Broker
    extends JobFlow, JobAdmin, JobReads, Maintenance, WorkerRegistry, WorkSignal, AutoCloseable {

  /** A short description for logs, such as the URL without credentials. */
  String describe();

  /**
   * True if this broker answers in this process, without I/O or waits beyond a short lock (the
   * memory broker): a call costs about what handing it to another thread would, so a worker makes
   * its lease and complete calls on the pool member that needs them rather than on its fetcher and
   * completer threads. False (the default) for a broker behind a network or a file, whose calls are
   * better overlapped with running jobs.
   */
  default boolean inProcess() {
    return false;
  }

  @Override
  void close();
}
