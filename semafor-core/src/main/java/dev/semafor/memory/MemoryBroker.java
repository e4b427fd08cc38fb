package dev.semafor.memory;

import dev.semafor.JobState;
import dev.semafor.Names;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.ScheduleRecord;
import dev.semafor.spi.TaskCount;
import dev.semafor.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * An in-process broker: fast, and gone when the process exits. For tests, benchmarks and
 * single-process applications ({@code memory:}).
 *
 * <h2>Structure</h2>
 *
 * One lock, this class's, guards every mutation; the classes it delegates to are not thread-safe
 * and are called only under it. This class picks the jobs a lease takes and records outcomes
 * ({@link #lease}, {@link #complete}, {@link #fail}: the hot path). {@link MemoryJobs} holds the
 * jobs, each queue's ready jobs in lease order and scheduled ones by run-at (a lease first moves
 * those that have come due), the unique index, and the one method that changes a job's state.
 * {@link MemoryLeases} holds the live leases, from start to release or expiry. A lease and a
 * success change a job through its slot's overlay ({@link Slot}) instead of copying its record.
 *
 * <h2>Job control</h2>
 *
 * Limits live in {@link MemoryLimits} (which parks blocked jobs aside), groups in {@link
 * MemoryGroups}, unique keys in {@link MemoryJobs}. Reads and the actions on one job by id (query,
 * stats, prune, cancel, retry, delete) are {@link MemoryAdmin}'s; paused queues are a set here,
 * which {@link #lease} skips; the worker registry and schedule ticks are {@link MemoryRegistry}'s.
 */
public final class MemoryBroker implements Broker {
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * Signalled when a job becomes ready or is scheduled, while a worker waits in {@link #awaitWork}.
   */
  private final Condition arrivals = lock.newCondition();

  /** How many threads wait in {@link #awaitWork}. Guarded by {@link #lock}. */
  private int waiters;

  /** Groups and chords. Guarded by {@link #lock}. */
  private final MemoryGroups groups = new MemoryGroups();

  /** Every job, the queues and the unique index. Guarded by {@link #lock}. */
  private final MemoryJobs jobs = new MemoryJobs(groups, this::arrived);

  /** Concurrency and rate limits. Guarded by {@link #lock}. */
  private final MemoryLimits limits = new MemoryLimits();

  /** The live leases. Guarded by {@link #lock}. */
  private final MemoryLeases leases = new MemoryLeases(jobs, limits);

  /** Query, stats, prune, cancel, retry, delete. Guarded by {@link #lock}. */
  private final MemoryAdmin admin = new MemoryAdmin(jobs, groups);

  /** Workers (no lock needed) and schedules (guarded by {@link #lock}). */
  private final MemoryRegistry registry = new MemoryRegistry(jobs);

  /** The paused queues ({@link #pauseQueue}). Guarded by {@link #lock}. */
  private final Set<String> paused = new HashSet<>();

  /** Scratch space of {@link #lease}. Guarded by {@link #lock}. */
  private Slot[] candidates = new Slot[64];

  private volatile boolean closed;

  public MemoryBroker() {
    this(InstantSource.system());
  }

  public MemoryBroker(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public List<JobRecord> enqueue(List<JobRecord> batch) {
    checkOpen();
    lock.lock();
    try {
      jobs.checkNew(batch);
      Instant now = clock.instant();
      List<JobRecord> stored = new ArrayList<>(batch.size());
      for (JobRecord job : batch) {
        stored.add(jobs.enqueue(job, now));
      }
      return stored;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    checkOpen();
    group.checkMembers(members);
    return locked(() -> jobs.enqueueGroup(group, members, clock.instant()));
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    checkOpen();
    lock.lock();
    MemoryLeases.Batch batch = null;
    try {
      Instant now = clock.instant();
      Instant expires = now.plus(request.duration());
      limits.unpark(now, slot -> jobs.pushReady(jobs.queue(slot.record().queue()), slot));
      List<Lease> leased = new ArrayList<>(Math.min(request.max(), 256));
      batch = leases.begin(Math.min(request.max(), 256));
      for (String name : request.queues()) {
        MemoryQueue q = jobs.queueIfAny(name);
        if (q == null || (!paused.isEmpty() && paused.contains(name))) {
          continue;
        }
        jobs.promoteDue(q, now);
        leaseFrom(q, request, batch, leased, now, expires);
        if (leased.size() >= request.max()) {
          break;
        }
      }
      return leased;
    } finally {
      if (batch != null) {
        leases.end(batch);
      }
      lock.unlock();
    }
  }

  /**
   * Leases the ready jobs of {@code q} the request admits into {@code leased} (in {@code batch})
   * until it has the request's max or {@code q} has no more; those of other workers' tasks keep
   * their places. The loops apart from {@link #lease}, and each job's lease apart from them ({@link
   * #leaseOne}): small methods that the JIT compiles early, by their own counts of calls.
   */
  @SuppressWarnings("StringEquality") // the same task string as the last job's: admitted already
  private void leaseFrom(
      MemoryQueue q,
      LeaseRequest request,
      MemoryLeases.Batch batch,
      List<Lease> leased,
      Instant now,
      Instant expires) {
    List<Slot> notOurs = null;
    // The last task admitted: a batch is mostly of one or a few tasks, and the same string.
    String admitted = null;
    while (leased.size() < request.max()) {
      int n = takeReady(q, request.max() - leased.size());
      if (n == 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        Slot slot = candidates[i];
        candidates[i] = null;
        String task = slot.fixed().task();
        // Equal names are often other strings (one per enqueued record): compare before the
        // request's set is probed, which hashes each new string.
        if (task != admitted && !task.equals(admitted)) {
          if (!request.admits(task)) {
            // Another worker's task: back in its place once this queue is done.
            (notOurs == null ? notOurs = new ArrayList<>() : notOurs).add(slot);
            continue;
          }
          admitted = task;
        }
        Lease lease = leaseOne(batch, slot, request.workerId(), now, expires);
        if (lease != null) {
          leased.add(lease);
        }
      }
    }
    if (notOurs != null) {
      for (Slot slot : notOurs) {
        jobs.pushReady(q, slot);
      }
    }
  }

  /** Leases one admitted job in {@code batch}; null if a limit parks it instead. */
  private Lease leaseOne(
      MemoryLeases.Batch batch, Slot slot, String workerId, Instant now, Instant expires) {
    MemoryLimits.Block blocked = limits.check(slot.fixed(), now);
    if (blocked != null) {
      limits.park(slot, blocked);
      return null;
    }
    return leases.start(batch, slot, workerId, now, expires);
  }

  /**
   * Moves up to {@code max} waiting jobs from the head of {@code q}'s ready jobs into {@link
   * #candidates}; returns how many. A first pass on its own, so that the memory reads of a batch of
   * jobs (each one cold in a long queue) overlap instead of waiting one by one behind each lease's
   * work.
   */
  private int takeReady(MemoryQueue q, int max) {
    if (candidates.length < max) {
      candidates = new Slot[Math.max(max, 2 * candidates.length)];
    }
    int n = 0;
    Slot slot;
    while (n < max && (slot = q.ready.poll()) != null) {
      slot.inReady = false;
      if (slot.state().isWaiting()) {
        candidates[n++] = slot;
      }
    }
    return n;
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> refs, Duration extension) {
    checkOpen();
    lock.lock();
    try {
      return leases.heartbeat(refs, clock.instant().plus(extension));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      int n = completions.size();
      // Null while every completion so far applied: then the answer is n times true, no list.
      List<Boolean> out = null;
      int at = -1;
      for (Completion c : completions) {
        at++;
        if (completeOne(c, now)) {
          if (out != null) {
            out.add(Boolean.TRUE);
          }
        } else {
          if (out == null) {
            out = new ArrayList<>(n);
            out.addAll(Collections.nCopies(at, Boolean.TRUE));
          }
          out.add(Boolean.FALSE);
        }
      }
      return out != null ? out : Collections.nCopies(n, Boolean.TRUE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies one completion; false if its lease is stale. Apart from {@link #complete}'s loop: a
   * small method the JIT compiles early, by its own count of calls.
   */
  private boolean completeOne(Completion c, Instant now) {
    Slot slot = leases.current(c.lease());
    if (slot == null) {
      return false;
    }
    leases.finish(slot);
    jobs.succeed(slot, c.result(), now);
    List<JobRecord> then = c.then();
    for (int i = 0; i < then.size(); i++) { // no iterator for the usual empty list
      JobRecord next = then.get(i);
      if (!jobs.contains(next.id())) {
        jobs.insert(next, now);
      }
    }
    if (slot.fixed().groupId() != null) {
      JobRecord callback = groups.succeeded(slot.record(), c.result(), now);
      if (callback != null && !jobs.contains(callback.id())) {
        jobs.insert(callback, now);
      }
    }
    return true;
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      List<Boolean> out = new ArrayList<>(failures.size());
      for (Failure f : failures) {
        Slot slot = leases.current(f.lease());
        if (slot == null) {
          out.add(Boolean.FALSE);
          continue;
        }
        leases.finish(slot);
        JobRecord.Builder next =
            slot.record().toBuilder().error(f.error()).leaseExpiresAt(null).started(true);
        if (f.retryAt() == null) {
          JobState end = f.cancelled() ? JobState.CANCELLED : JobState.DEAD;
          jobs.transition(slot, next.state(end).finishedAt(now).build());
        } else {
          jobs.transition(slot, next.state(JobState.SCHEDULED).runAt(f.retryAt()).build());
          jobs.schedule(jobs.queue(slot.record().queue()), slot, now);
        }
        out.add(Boolean.TRUE);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void release(List<LeaseRef> refs) {
    checkOpen();
    lock.lock();
    try {
      leases.release(refs, clock.instant());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void markStarted(List<LeaseRef> refs) {
    checkOpen();
    lock.lock();
    try {
      for (LeaseRef ref : refs) {
        Slot slot = leases.current(ref);
        if (slot != null) {
          jobs.markStarted(slot);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void progress(LeaseRef lease, double fraction, String message) {
    checkOpen();
    lock.lock();
    try {
      leases.progress(lease, fraction, message);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Boolean> appendLogs(List<LogLines> logs) {
    return locked(
        () -> {
          List<Boolean> out = new ArrayList<>(logs.size());
          for (LogLines l : logs) {
            Slot slot = leases.current(l.lease());
            if (slot != null) {
              jobs.appendLogs(slot, l.lines());
            }
            out.add(slot != null);
          }
          return out;
        });
  }

  @Override
  public List<LogLine> logs(String jobId) {
    return locked(
        () -> {
          Slot slot = jobs.slot(jobId);
          return slot == null ? List.of() : jobs.logs(slot);
        });
  }

  @Override
  public CancelResult cancel(String jobId) {
    return locked(() -> admin.cancel(jobId, clock.instant()));
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return locked(() -> leases.cancelRequested(workerId));
  }

  @Override
  public int reapExpiredLeases() {
    return locked(() -> leases.reap(clock.instant()));
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    return locked(() -> registry.claimTick(schedule, tick, job, clock.instant()));
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return locked(registry::schedules);
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    lock.lock();
    try {
      Slot slot = jobs.slot(jobId);
      return slot == null ? Optional.empty() : Optional.of(slot.record());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    checkOpen();
    List<JobRecord> matched;
    lock.lock();
    try {
      matched = admin.matching(query);
    } finally {
      lock.unlock();
    }
    return MemoryAdmin.page(matched, query);
  }

  @Override
  public List<QueueStats> stats() {
    return locked(() -> QueueStats.withPaused(admin.stats(), Set.copyOf(paused)));
  }

  @Override
  public boolean pauseQueue(String queue) {
    Names.queue(queue);
    return locked(() -> paused.add(queue));
  }

  @Override
  public boolean resumeQueue(String queue) {
    Names.queue(queue);
    return locked(
        () -> {
          boolean resumed = paused.remove(queue);
          if (resumed) {
            arrived(); // its ready jobs are work again
          }
          return resumed;
        });
  }

  @Override
  public List<String> pausedQueues() {
    return locked(() -> paused.stream().sorted().toList());
  }

  @Override
  public List<TaskCount> queuedTasks() {
    return locked(admin::queuedTasks);
  }

  @Override
  public int prune(Duration retention) {
    return locked(() -> admin.prune(clock.instant().minus(retention)));
  }

  @Override
  public boolean retry(String jobId) {
    return locked(() -> admin.retry(jobId, clock.instant()));
  }

  @Override
  public boolean delete(String jobId) {
    return locked(() -> admin.delete(jobId));
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    checkOpen();
    registry.register(info, clock.instant());
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    checkOpen();
    registry.heartbeat(workerId, inFlight, clock.instant());
  }

  @Override
  public List<WorkerInfo> workers() {
    checkOpen();
    return registry.workers();
  }

  @Override
  public void unregisterWorker(String workerId) {
    checkOpen();
    registry.unregister(workerId);
  }

  /**
   * Waits until one of {@code queues} that is not paused has a ready job, or the earliest run-at
   * among its scheduled jobs comes, or the timeout passes: enqueues, releases, retries, reaped
   * leases and resumed queues signal waiting workers directly. Jobs set aside by a concurrency or
   * rate limit are not signalled when the limit frees; the caller's polling finds them.
   */
  @Override
  public void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lockInterruptibly();
    try {
      waiters++;
      try {
        while (!closed) {
          List<String> open = paused.isEmpty() ? queues : notPaused(queues);
          long left =
              Math.min(deadline - System.nanoTime(), jobs.nanosUntilWork(open, clock.instant()));
          if (left <= 0) {
            return;
          }
          arrivals.awaitNanos(left);
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    return "memory:";
  }

  /** Every call is a short section under one lock in this process. */
  @Override
  public boolean inProcess() {
    return true;
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      arrivals.signalAll(); // waiting workers return, and find the broker closed
    } finally {
      lock.unlock();
    }
  }

  // ---- internals ----

  /** True while a thread waits in {@link #awaitWork} (for tests). */
  boolean hasWaiters() {
    lock.lock();
    try {
      return waiters > 0;
    } finally {
      lock.unlock();
    }
  }

  /** The queues of {@code queues} that are not paused. Runs under the lock. */
  private List<String> notPaused(List<String> queues) {
    return queues.stream().filter(q -> !paused.contains(q)).toList();
  }

  /** A job became ready or was scheduled: waiting workers look again. Runs under the lock. */
  private void arrived() {
    if (waiters > 0) {
      arrivals.signalAll();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new dev.semafor.BrokerUnavailableException("memory broker is closed");
    }
  }

  /**
   * Runs {@code work} under the lock once the broker is checked open. For the calls off the hot
   * path only: it costs a lambda per call, which {@link #lease}, {@link #complete} and {@link
   * #fail} do without.
   */
  private <T> T locked(Supplier<T> work) {
    checkOpen();
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }
}
