package dev.semafor.broker;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process broker: fast, and gone when the process exits. For tests, benchmarks and
 * single-process applications ({@code memory:}).
 *
 * <h2>Structure</h2>
 *
 * One lock guards every mutation. Each queue keeps its ready jobs in lease order ({@link
 * ReadyQueue}) and a heap of scheduled ones (run-at); a lease first moves the scheduled jobs that
 * have come due. Both are cleaned lazily: an entry whose job is no longer waiting (cancelled, say)
 * is skipped when it surfaces. {@link #get} reads without the lock.
 *
 * <h2>Job control</h2>
 *
 * Limits live in {@link MemoryLimits} (which parks blocked jobs aside), groups in {@link
 * MemoryGroups}; unique keys in an index of the waiting and running job per key. Every state change
 * goes through {@code transition}, which keeps the queue counts, the unique index and the groups'
 * failure flags right.
 */
public final class MemoryBroker implements Broker {
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();

  /** Tokens are this broker's prefix and a counter: unique, and cheap to make on every lease. */
  private final String tokenPrefix =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";

  /** All jobs by id. Written under {@link #lock}; read by {@link #get} without it. */
  private final Map<String, Slot> jobs = new ConcurrentHashMap<>();

  /** Guarded by {@link #lock}. */
  private final Map<String, QueueState> queues = new HashMap<>();

  /**
   * Leased jobs, linked through their slots ({@link Slot#nextLeased}). Guarded by {@link #lock}.
   */
  private final LeasedList leased = new LeasedList();

  /** Concurrency and rate limits. Guarded by {@link #lock}. */
  private final MemoryLimits limits = new MemoryLimits();

  /** Groups and chords. Guarded by {@link #lock}. */
  private final MemoryGroups groups = new MemoryGroups();

  /** The waiting or running job per unique key. Guarded by {@link #lock}. */
  private final Map<String, Slot> uniqueActive = new HashMap<>();

  /** Schedules by name. Guarded by {@link #lock}. */
  private final Map<String, ScheduleRecord> schedules = new TreeMap<>();

  /** The worker registry by id; a concurrent map, so it needs no lock. */
  private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();

  /** Guarded by {@link #lock}. */
  private long sequence;

  /** Guarded by {@link #lock}. */
  private long tokens;

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
      checkNew(batch);
      Instant now = clock.instant();
      List<JobRecord> stored = new ArrayList<>(batch.size());
      for (JobRecord job : batch) {
        Slot existing = job.uniqueKey() == null ? null : uniqueActive.get(job.uniqueKey());
        if (existing != null) {
          if (job.uniquePolicy() != UniquePolicy.REPLACE || !existing.record.state().isWaiting()) {
            stored.add(existing.record);
            continue;
          }
          JobError replaced =
              JobError.of(
                  "dev.semafor.Replaced",
                  "replaced by job " + job.id() + " (unique key " + job.uniqueKey() + ")");
          transition(
              existing,
              existing.record.toBuilder()
                  .state(JobState.CANCELLED)
                  .error(replaced)
                  .finishedAt(now)
                  .build());
        }
        stored.add(insert(job, now));
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
    lock.lock();
    try {
      if (groups.contains(group.id())) {
        throw new IllegalArgumentException("a group with id " + group.id() + " already exists");
      }
      checkNew(members);
      Instant now = clock.instant();
      groups.add(group);
      List<JobRecord> stored = new ArrayList<>(members.size());
      for (JobRecord m : members) {
        stored.add(insert(m, now));
      }
      return stored;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      Instant expires = now.plus(request.duration());
      limits.unpark(now, slot -> pushReady(queue(slot.record.queue()), slot));
      List<Lease> leased = new ArrayList<>(Math.min(request.max(), 256));
      for (String name : request.queues()) {
        QueueState q = queues.get(name);
        if (q == null) {
          continue;
        }
        promoteDue(q, now);
        while (leased.size() < request.max()) {
          int n = takeReady(q, request.max() - leased.size());
          if (n == 0) {
            break;
          }
          for (int i = 0; i < n; i++) {
            Slot slot = candidates[i];
            candidates[i] = null;
            MemoryLimits.Block blocked = limits.check(slot.record, now);
            if (blocked != null) {
              limits.park(slot, blocked);
              continue;
            }
            leased.add(start(slot, request.workerId(), now, expires));
          }
        }
        if (leased.size() >= request.max()) {
          break;
        }
      }
      return leased;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    checkOpen();
    lock.lock();
    try {
      Instant expires = clock.instant().plus(extension);
      List<LeaseStatus> out = new ArrayList<>(leases.size());
      for (LeaseRef ref : leases) {
        Slot slot = current(ref);
        if (slot == null) {
          out.add(LeaseStatus.LOST);
          continue;
        }
        slot.record = slot.record.toBuilder().leaseExpiresAt(expires).build();
        out.add(slot.record.cancelRequested() ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.ACTIVE);
      }
      return out;
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
      List<Boolean> out = new ArrayList<>(completions.size());
      for (Completion c : completions) {
        Slot slot = current(c.lease());
        if (slot == null) {
          out.add(Boolean.FALSE);
          continue;
        }
        finishLease(slot);
        transition(
            slot,
            slot.record.toBuilder()
                .state(JobState.SUCCEEDED)
                .result(c.result())
                .finishedAt(now)
                .leaseExpiresAt(null)
                .progress(1.0)
                .build());
        for (JobRecord next : c.then()) {
          if (!jobs.containsKey(next.id())) {
            insert(next, now);
          }
        }
        if (slot.record.groupId() != null) {
          JobRecord callback = groups.succeeded(slot.record, c.result(), now);
          if (callback != null && !jobs.containsKey(callback.id())) {
            insert(callback, now);
          }
        }
        out.add(Boolean.TRUE);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      List<Boolean> out = new ArrayList<>(failures.size());
      for (Failure f : failures) {
        Slot slot = current(f.lease());
        if (slot == null) {
          out.add(Boolean.FALSE);
          continue;
        }
        finishLease(slot);
        JobRecord.Builder next = slot.record.toBuilder().error(f.error()).leaseExpiresAt(null);
        if (f.retryAt() == null) {
          JobState end = f.cancelled() ? JobState.CANCELLED : JobState.DEAD;
          transition(slot, next.state(end).finishedAt(now).build());
        } else {
          transition(slot, next.state(JobState.SCHEDULED).runAt(f.retryAt()).build());
          schedule(queue(slot.record.queue()), slot, now);
        }
        out.add(Boolean.TRUE);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void release(List<LeaseRef> leases) {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      for (LeaseRef ref : leases) {
        Slot slot = current(ref);
        if (slot == null) {
          continue;
        }
        finishLease(slot);
        JobRecord r = slot.record;
        if (r.cancelRequested()) {
          transition(
              slot,
              r.toBuilder().state(JobState.CANCELLED).finishedAt(now).leaseExpiresAt(null).build());
          continue;
        }
        transition(
            slot,
            r.toBuilder()
                .state(JobState.QUEUED)
                .attempts(Math.max(0, r.attempts() - 1))
                .startedAt(null)
                .leaseExpiresAt(null)
                .workerId(null)
                .build());
        schedule(queue(r.queue()), slot, now);
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
      Slot slot = current(lease);
      if (slot != null) {
        slot.record =
            slot.record.toBuilder()
                .progress(Math.max(0, Math.min(1, fraction)))
                .progressMessage(message)
                .build();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CancelResult cancel(String jobId) {
    checkOpen();
    lock.lock();
    try {
      Slot slot = jobs.get(jobId);
      if (slot == null) {
        return CancelResult.NOT_FOUND;
      }
      JobRecord r = slot.record;
      if (r.state().isFinished()) {
        return CancelResult.ALREADY_FINISHED;
      }
      if (r.state() == JobState.RUNNING) {
        slot.record = r.toBuilder().cancelRequested(true).build();
        return CancelResult.CANCEL_REQUESTED;
      }
      transition(slot, r.toBuilder().state(JobState.CANCELLED).finishedAt(clock.instant()).build());
      return CancelResult.CANCELLED;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    checkOpen();
    lock.lock();
    try {
      List<String> ids = new ArrayList<>();
      for (Slot slot = leased.first(); slot != null; slot = slot.nextLeased) {
        JobRecord r = slot.record;
        if (r.cancelRequested() && workerId.equals(r.workerId())) {
          ids.add(r.id());
        }
      }
      return ids;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    checkOpen();
    lock.lock();
    try {
      ScheduleRecord stored = schedules.get(schedule.name());
      if (stored != null && stored.lastTick() != null && !stored.lastTick().isBefore(tick)) {
        return false;
      }
      if (job != null) {
        checkNew(List.of(job));
      }
      schedules.put(schedule.name(), schedule.withTicks(tick, schedule.nextTick()));
      if (job != null) {
        insert(job, clock.instant());
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<ScheduleRecord> schedules() {
    checkOpen();
    lock.lock();
    try {
      return List.copyOf(schedules.values());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    Slot slot = jobs.get(jobId);
    return slot == null ? Optional.empty() : Optional.of(slot.record);
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    checkOpen();
    List<JobRecord> matched = new ArrayList<>();
    lock.lock();
    try {
      for (Slot slot : jobs.values()) {
        if (query.matches(slot.record)) {
          matched.add(slot.record);
        }
      }
    } finally {
      lock.unlock();
    }
    matched.sort(Comparator.comparing(JobRecord::id).reversed());
    int from = Math.min(query.offset(), matched.size());
    int to = Math.min(from + query.limit(), matched.size());
    return List.copyOf(matched.subList(from, to));
  }

  @Override
  public List<QueueStats> stats() {
    checkOpen();
    lock.lock();
    try {
      List<QueueStats> out = new ArrayList<>();
      for (Map.Entry<String, QueueState> e : new TreeMap<>(queues).entrySet()) {
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
          counts.put(s, e.getValue().counts[s.ordinal()]);
        }
        out.add(new QueueStats(e.getKey(), counts));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int reapExpiredLeases() {
    checkOpen();
    lock.lock();
    try {
      Instant now = clock.instant();
      List<Slot> expired = new ArrayList<>();
      for (Slot slot = leased.first(); slot != null; slot = slot.nextLeased) {
        Instant at = slot.record.leaseExpiresAt();
        if (at != null && !at.isAfter(now)) {
          expired.add(slot);
        }
      }
      for (Slot slot : expired) {
        finishLease(slot);
        JobRecord r = slot.record;
        JobError error =
            JobError.of(
                "dev.semafor.LeaseExpired",
                "lease expired at " + r.leaseExpiresAt() + " (worker " + r.workerId() + " gone?)");
        JobRecord.Builder next = r.toBuilder().error(error).leaseExpiresAt(null);
        if (r.cancelRequested()) {
          transition(slot, next.state(JobState.CANCELLED).finishedAt(now).build());
        } else if (r.hasAttemptsLeft()) {
          transition(slot, next.state(JobState.QUEUED).runAt(now).build());
          schedule(queue(r.queue()), slot, now);
        } else {
          transition(slot, next.state(JobState.DEAD).finishedAt(now).build());
        }
      }
      return expired.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int prune(Duration retention) {
    checkOpen();
    lock.lock();
    try {
      Instant cutoff = clock.instant().minus(retention);
      List<Slot> old = new ArrayList<>();
      for (Slot slot : jobs.values()) {
        JobRecord r = slot.record;
        if (r.state().isFinished()
            && r.finishedAt() != null
            && !r.finishedAt().isAfter(cutoff)
            && !groups.holds(r)) {
          old.add(slot);
        }
      }
      for (Slot slot : old) {
        jobs.remove(slot.record.id());
        slot.counts[slot.record.state().ordinal()]--;
        groups.pruned(slot.record);
      }
      return old.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean retry(String jobId) {
    checkOpen();
    lock.lock();
    try {
      Slot slot = jobs.get(jobId);
      if (slot == null
          || (slot.record.state() != JobState.DEAD && slot.record.state() != JobState.CANCELLED)) {
        return false;
      }
      Instant now = clock.instant();
      transition(
          slot,
          slot.record.toBuilder()
              .state(JobState.QUEUED)
              .attempts(0)
              .runAt(now)
              .result(null)
              .startedAt(null)
              .finishedAt(null)
              .leaseExpiresAt(null)
              .workerId(null)
              .progress(0)
              .progressMessage(null)
              .cancelRequested(false)
              .build());
      schedule(queue(slot.record.queue()), slot, now);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean delete(String jobId) {
    checkOpen();
    lock.lock();
    try {
      Slot slot = jobs.get(jobId);
      if (slot == null || !slot.record.state().isFinished()) {
        return false;
      }
      jobs.remove(jobId);
      slot.counts[slot.record.state().ordinal()]--;
      groups.pruned(slot.record);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    checkOpen();
    workers.put(info.id(), info.heartbeat(clock.instant(), info.inFlight()));
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    checkOpen();
    Instant now = clock.instant();
    workers.computeIfPresent(workerId, (id, info) -> info.heartbeat(now, inFlight));
  }

  @Override
  public List<WorkerInfo> workers() {
    checkOpen();
    return List.copyOf(new TreeMap<>(workers).values());
  }

  @Override
  public void unregisterWorker(String workerId) {
    checkOpen();
    workers.remove(workerId);
  }

  @Override
  public String describe() {
    return "memory:";
  }

  @Override
  public void close() {
    closed = true;
  }

  // ---- internals; every method below runs under the lock ----

  private void checkOpen() {
    if (closed) {
      throw new dev.semafor.BrokerUnavailableException("memory broker is closed");
    }
  }

  private QueueState queue(String name) {
    return queues.computeIfAbsent(name, n -> new QueueState());
  }

  private Slot current(LeaseRef ref) {
    Slot slot = jobs.get(ref.jobId());
    if (slot == null || slot.token == null || !slot.token.equals(ref.token())) {
      return null;
    }
    return slot;
  }

  /** Refuses a batch with an id that exists or repeats, or a job that is not waiting. */
  private void checkNew(List<JobRecord> batch) {
    Set<String> ids = new HashSet<>();
    for (JobRecord job : batch) {
      if (jobs.containsKey(job.id()) || !ids.add(job.id())) {
        throw new IllegalArgumentException("a job with id " + job.id() + " already exists");
      }
      if (!job.state().isWaiting()) {
        throw new IllegalArgumentException(
            "job " + job.id() + " is " + job.state() + "; only QUEUED or SCHEDULED jobs enqueue");
      }
    }
  }

  /** Stores a new job and puts it where a lease will find it; returns it as stored. */
  private JobRecord insert(JobRecord job, Instant now) {
    QueueState q = queue(job.queue());
    Slot slot = new Slot(sequence++, job, q.counts);
    jobs.put(job.id(), slot);
    q.counts[job.state().ordinal()]++;
    if (job.uniqueKey() != null) {
      uniqueActive.put(job.uniqueKey(), slot);
    }
    if (job.runAt().isAfter(now)) {
      schedule(q, slot, now);
    } else {
      if (job.state() == JobState.SCHEDULED) {
        transition(slot, job.toBuilder().state(JobState.QUEUED).build());
      }
      slot.inReady = true;
      q.ready.addFresh(job.priority(), slot); // a new job has the highest sequence yet
    }
    return slot.record;
  }

  /**
   * Moves up to {@code max} waiting jobs from the head of {@code q}'s ready jobs into {@link
   * #candidates}; returns how many. A first pass on its own, so that the memory reads of a batch of
   * jobs (each one cold in a long queue) overlap instead of waiting one by one behind each lease's
   * work.
   */
  private int takeReady(QueueState q, int max) {
    if (candidates.length < max) {
      candidates = new Slot[Math.max(max, 2 * candidates.length)];
    }
    int n = 0;
    Slot slot;
    while (n < max && (slot = q.ready.poll()) != null) {
      slot.inReady = false;
      if (slot.record.state().isWaiting()) {
        candidates[n++] = slot;
      }
    }
    return n;
  }

  private Lease start(Slot slot, String workerId, Instant now, Instant expires) {
    String token = tokenPrefix + Long.toHexString(++tokens);
    JobRecord r = slot.record;
    slot.token = token;
    transition(
        slot,
        r.toBuilder()
            .state(JobState.RUNNING)
            .attempts(r.attempts() + 1)
            .startedAt(now)
            .leaseExpiresAt(expires)
            .workerId(workerId)
            .cancelRequested(false)
            .build());
    leased.add(slot);
    limits.started(r, now);
    return new Lease(slot.record, token, expires);
  }

  /** Ends the current lease of a running job: forgets its token and frees its slot. */
  private void finishLease(Slot slot) {
    slot.token = null;
    if (leased.remove(slot)) {
      limits.finished(slot.record);
    }
  }

  /**
   * Moves a job to its next record, checking the state change; keeps the queue counts, the unique
   * index and the groups in step.
   */
  private void transition(Slot slot, JobRecord next) {
    JobRecord prev = slot.record;
    prev.state().checkTransition(next.state(), prev.id());
    if (prev.state() != next.state()) {
      long[] counts = slot.counts;
      counts[prev.state().ordinal()]--;
      counts[next.state().ordinal()]++;
    }
    slot.record = next;
    if (prev.uniqueKey() != null) {
      if (next.state().isFinished()) {
        uniqueActive.remove(prev.uniqueKey(), slot);
      } else {
        uniqueActive.putIfAbsent(prev.uniqueKey(), slot);
      }
    }
    if (next.groupId() != null
        && (next.state() == JobState.DEAD || next.state() == JobState.CANCELLED)) {
      groups.failed(next.groupId());
    }
  }

  /** Puts a waiting job where a lease will find it: ready now, or scheduled for its run-at. */
  private void schedule(QueueState q, Slot slot, Instant now) {
    if (!slot.record.runAt().isAfter(now)) {
      if (slot.record.state() == JobState.SCHEDULED) {
        transition(slot, slot.record.toBuilder().state(JobState.QUEUED).build());
      }
      pushReady(q, slot);
    } else {
      if (slot.record.state() == JobState.QUEUED) {
        // Not due yet, whatever the record said: only SCHEDULED jobs are promoted when due.
        transition(slot, slot.record.toBuilder().state(JobState.SCHEDULED).build());
      }
      q.scheduled.add(new Pending(slot, slot.record.runAt()));
    }
  }

  private void pushReady(QueueState q, Slot slot) {
    if (!slot.inReady) {
      slot.inReady = true;
      q.ready.addReturning(slot.record.priority(), slot);
    }
  }

  private void promoteDue(QueueState q, Instant now) {
    Pending head;
    while ((head = q.scheduled.peek()) != null && !head.runAt.isAfter(now)) {
      q.scheduled.poll();
      Slot slot = head.slot;
      if (slot.record.state() == JobState.SCHEDULED && slot.record.runAt().equals(head.runAt)) {
        transition(slot, slot.record.toBuilder().state(JobState.QUEUED).build());
        pushReady(q, slot);
      }
    }
  }

  private record Pending(Slot slot, Instant runAt) {}

  /** A doubly linked list threaded through the slots themselves. */
  private static final class LeasedList {
    private Slot head;

    Slot first() {
      return head;
    }

    void add(Slot slot) {
      slot.prevLeased = null;
      slot.nextLeased = head;
      if (head != null) {
        head.prevLeased = slot;
      }
      head = slot;
    }

    /** Unlinks {@code slot}; false if it was not in the list. */
    boolean remove(Slot slot) {
      if (slot.prevLeased == null && head != slot) {
        return false;
      }
      if (slot.prevLeased != null) {
        slot.prevLeased.nextLeased = slot.nextLeased;
      } else {
        head = slot.nextLeased;
      }
      if (slot.nextLeased != null) {
        slot.nextLeased.prevLeased = slot.prevLeased;
      }
      slot.prevLeased = null;
      slot.nextLeased = null;
      return true;
    }
  }

  private static final class QueueState {
    final ReadyQueue<Slot> ready = new ReadyQueue<>(s -> s.seq);
    final PriorityQueue<Pending> scheduled =
        new PriorityQueue<>(
            Comparator.comparing(Pending::runAt).thenComparingLong(p -> p.slot.seq));
    final long[] counts = new long[JobState.values().length];
  }
}
