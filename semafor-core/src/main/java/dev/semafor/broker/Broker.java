package dev.semafor.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
 * <p>Implementations are thread-safe.
 */
public interface Broker extends AutoCloseable {

  /**
   * Stores new jobs atomically (all or none). Each record carries its id, state ({@code QUEUED} or
   * {@code SCHEDULED}), run-at and enqueue time. Returns the stored records, in order.
   *
   * <p>Unique keys: while a job with the same {@link JobRecord#uniqueKey()} is {@code SCHEDULED},
   * {@code QUEUED} or {@code RUNNING} (including one earlier in the same batch), a new one with
   * {@link dev.semafor.UniquePolicy#REJECT} is not stored and the existing record is returned in
   * its place; with {@link dev.semafor.UniquePolicy#REPLACE} a waiting existing job becomes {@code
   * CANCELLED} and the new one is stored, but a running one is kept and returned (as for reject).
   */
  List<JobRecord> enqueue(List<JobRecord> jobs);

  /**
   * Stores a group and its members atomically (see {@link GroupRecord}). Each member carries the
   * group's id and its index (0 to size - 1). Returns the stored members, in order.
   */
  List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members);

  /**
   * Leases up to {@code request.max()} due jobs; an empty list if none is due. Only jobs whose task
   * the request {@linkplain LeaseRequest#admits admits} are leased; the others keep their place in
   * line and do not hold up the jobs behind them. A leased job is {@code RUNNING} but not yet
   * {@linkplain JobRecord#started() started}.
   *
   * <p>Limits, counted across every caller: a job with a concurrency key is not leased while {@link
   * JobRecord#concurrencyLimit()} jobs with that key are {@code RUNNING}; a job with a rate key is
   * not leased while {@link JobRecord#ratePermits()} jobs with that key started within the last
   * {@link JobRecord#ratePeriod()} (a lease {@linkplain #release released} unstarted is no start).
   * Such a job keeps its place and is leased once the limit allows; the jobs behind it are not held
   * up.
   */
  List<Lease> lease(LeaseRequest request);

  /**
   * Extends each live lease to now + {@code extension}. Returns one status per lease, in order;
   * {@link LeaseStatus#LOST} for a stale token.
   */
  List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension);

  /**
   * Records successful attempts as {@code SUCCEEDED} (and started). Returns, per completion in
   * order, {@code true} if applied and {@code false} if its lease was lost (that one changes
   * nothing).
   *
   * <p>Atomically with each success: the jobs in {@link Completion#then()} are enqueued (those
   * whose id exists already are skipped); and for a group member, the group's remaining count goes
   * down by one, and the completion that brings it to 0 enqueues the chord's callback with the
   * members' results as a JSON array in member order — unless the group has failed.
   */
  List<Boolean> complete(List<Completion> completions);

  /**
   * Records failed attempts: scheduled for retry at {@link Failure#retryAt()}, else {@code
   * CANCELLED} if {@link Failure#cancelled()}, else {@code DEAD}; the attempt counts as started.
   * Returns, per failure in order, whether it was applied. A group member that ends {@code DEAD} or
   * {@code CANCELLED} — here, by {@link #cancel}, or by {@link #reapExpiredLeases} — marks its
   * group failed.
   */
  List<Boolean> fail(List<Failure> failures);

  /**
   * Hands leased jobs that never started back to their queue at once, as if never leased (whether
   * or not a start was {@linkplain #markStarted marked}: the worker knows best): the attempt is not
   * counted, and the lease's start no longer counts against the job's rate limit (the permit is
   * given back within the same period). Stale tokens are ignored.
   */
  void release(List<LeaseRef> leases);

  /**
   * Records that these leased jobs started (a pool member took them from the worker's local queue):
   * each becomes {@linkplain JobRecord#started() started}, so status counts it as running rather
   * than leased and waiting. Stale tokens are ignored. Workers call it in batches, about once a
   * second, and leave out jobs whose attempt already ended ({@link #complete} and {@link #fail}
   * mark the attempt started themselves): it costs no round trip per job.
   */
  void markStarted(List<LeaseRef> leases);

  /** Stores a running job's progress; ignored for a stale token. */
  void progress(LeaseRef lease, double fraction, String message);

  /**
   * Appends log lines to running jobs, in one call for many jobs (workers send what their tasks
   * wrote about once a second, and before an attempt's outcome). Each job keeps its last {@link
   * LogLine#MAX_LINES} lines, of every attempt, oldest first. Returns, per entry in order, whether
   * it was applied: {@code false} for a stale token (those lines are dropped).
   */
  List<Boolean> appendLogs(List<LogLines> logs);

  /** A job's log lines, oldest first; empty if it has none or there is no such job. */
  List<LogLine> logs(String jobId);

  /**
   * Cancels a job: a waiting one at once; a running one is marked, and its worker learns it from
   * {@link #heartbeat} or {@link #cancelRequested}.
   */
  CancelResult cancel(String jobId);

  /**
   * The ids of the jobs leased to {@code workerId} that are still running and whose cancellation
   * was requested. A read a worker can afford often (usually an empty answer).
   */
  List<String> cancelRequested(String workerId);

  /**
   * Claims one tick of a periodic schedule, atomically: if the stored last tick of {@code
   * schedule.name()} is absent or before {@code tick}, stores {@code schedule} with its last tick
   * set to {@code tick}, enqueues {@code job} (if not null) and returns true; otherwise changes
   * nothing and returns false. However many workers claim the same tick, one wins.
   */
  boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job);

  /** The schedules claimed so far, sorted by name. */
  List<ScheduleRecord> schedules();

  Optional<JobRecord> get(String jobId);

  /** Jobs matching the query, newest first. */
  List<JobRecord> query(JobQuery query);

  /**
   * Counts per queue and state, queues sorted by name; each also counts its {@code RUNNING} jobs
   * that are leased but not started ({@link QueueStats#leased()}) and says whether the queue is
   * {@linkplain QueueStats#paused() paused}. Every queue that holds jobs is listed, and every
   * paused one, with zero counts if it holds none ({@link QueueStats#withPaused}).
   */
  List<QueueStats> stats();

  /**
   * Pauses a queue: {@link #lease} skips it until it is {@linkplain #resumeQueue resumed}. Its jobs
   * keep their place in line, {@link #enqueue} still stores new ones, and the jobs already leased
   * run to their end. The state is stored with the jobs (it outlives the process, as they do) and
   * is seen by every handle on the same store at once. A queue exists by name: one that holds no
   * job may be paused, and jobs enqueued on it later wait. A worker idle on a paused queue waits in
   * {@link #awaitWork} as on an empty one (it does not spin).
   *
   * @return true if the queue was not paused before; false if it was (nothing changes)
   * @throws IllegalArgumentException if {@code queue} is not a valid queue name ({@link
   *     dev.semafor.Names#queue})
   */
  boolean pauseQueue(String queue);

  /**
   * Resumes a paused queue: its jobs are leased again, in their place in line, and workers waiting
   * on it in {@link #awaitWork} wake as after an enqueue.
   *
   * @return true if the queue was paused; false if it was not (nothing changes)
   * @throws IllegalArgumentException if {@code queue} is not a valid queue name
   */
  boolean resumeQueue(String queue);

  /** The paused queues, sorted by name. */
  List<String> pausedQueues();

  /**
   * How many jobs wait ({@code QUEUED}) per queue and task, sorted by queue then task; pairs with
   * none are left out. Status and the dashboard compare it with the tasks of live workers ({@link
   * WorkerInfo#tasks()}) to show jobs no live worker can run. An operator's read, not on a hot
   * path.
   */
  List<TaskCount> queuedTasks();

  /**
   * Returns every job whose lease has expired to its queue (or to {@code DEAD} if it has no
   * attempts left). Returns how many were reaped.
   */
  int reapExpiredLeases();

  /**
   * Deletes finished jobs that finished more than {@code retention} ago; returns how many. Members
   * of a group still waiting for its callback are kept until the group is done.
   */
  int prune(Duration retention);

  /**
   * Puts a {@code DEAD} or {@code CANCELLED} job back on its queue as if newly enqueued: state
   * {@code QUEUED}, run-at now, attempts reset to 0, result and finish time cleared. The last error
   * is kept, so the job's history still says why it died. An operator's action (dashboard, {@code
   * semafor retry}), not the core's retry policy.
   *
   * <p>Unique keys hold here as at {@link #enqueue}: a job whose {@link JobRecord#uniqueKey()} is
   * held by another job that is {@code SCHEDULED}, {@code QUEUED} or {@code RUNNING} is not retried
   * (whatever its {@link dev.semafor.UniquePolicy}: a retry never cancels the holder), and nothing
   * changes. The check and the change are atomic.
   *
   * @return true if the job was retried; false if there is no such job or it is in another state
   * @throws dev.semafor.UniqueKeyConflictException if another active job holds the job's unique
   *     key; its message names the job, the key and the holder
   */
  boolean retry(String jobId);

  /**
   * Deletes one finished job ({@code SUCCEEDED}, {@code DEAD} or {@code CANCELLED}) at once.
   *
   * @return true if it was deleted; false if there is no such job or it has not finished
   */
  boolean delete(String jobId);

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

  /**
   * Waits until work may have arrived on one of {@code queues}, or until {@code timeout} has
   * passed, whichever comes first; an idle worker calls it between empty leases instead of
   * sleeping. A broker that can wake idle workers (a direct signal, a file or socket watched across
   * processes, {@code LISTEN/NOTIFY}, a blocking read) returns soon after any producer enqueues a
   * due job on one of those queues, or a scheduled job on them comes due. Returning early with no
   * work is allowed (a spurious wake-up); the caller leases and, finding nothing, waits again. The
   * default cannot wake anyone: it sleeps for the timeout, and the caller polls.
   *
   * @throws InterruptedException if the calling thread is interrupted while it waits
   */
  default void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    if (nanos > 0) {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  /** A short description for logs, such as the URL without credentials. */
  String describe();

  @Override
  void close();

  /** One completion; throws {@link dev.semafor.LeaseLostException} if its lease was lost. */
  default void complete(Completion completion) {
    if (!complete(List.of(completion)).get(0)) {
      throw new dev.semafor.LeaseLostException(completion.lease().jobId());
    }
  }

  /** One failure; throws {@link dev.semafor.LeaseLostException} if its lease was lost. */
  default void fail(Failure failure) {
    if (!fail(List.of(failure)).get(0)) {
      throw new dev.semafor.LeaseLostException(failure.lease().jobId());
    }
  }
}
