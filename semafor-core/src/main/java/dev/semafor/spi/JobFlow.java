package dev.semafor.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Moving jobs: what producers and workers call on every job. Producers {@link #enqueue} (and {@link
 * #enqueueGroup}); a worker {@link #lease}s due jobs, keeps its leases alive ({@link #heartbeat}),
 * reports progress and log lines, and ends each attempt with {@link #complete}, {@link #fail} or
 * {@link #release}; a scheduler {@link #claimTick claims} each tick of a periodic schedule.
 *
 * <p>Every call that carries a lease carries its token; a stale token changes nothing. Delivery,
 * order and the atomic job-control rules are in {@link Broker}'s class comment.
 */
public interface JobFlow {

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
   * {@code CANCELLED} — here, by {@link JobAdmin#cancel}, or by {@link
   * Maintenance#reapExpiredLeases} — marks its group failed.
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
  void progress(LeaseRef lease, double fraction, @Nullable String message);

  /**
   * Appends log lines to running jobs, in one call for many jobs (workers send what their tasks
   * wrote about once a second, and before an attempt's outcome). Each job keeps its last {@link
   * LogLine#MAX_LINES} lines, of every attempt, oldest first. Returns, per entry in order, whether
   * it was applied: {@code false} for a stale token (those lines are dropped).
   */
  List<Boolean> appendLogs(List<LogLines> logs);

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
  boolean claimTick(ScheduleRecord schedule, Instant tick, @Nullable JobRecord job);

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
