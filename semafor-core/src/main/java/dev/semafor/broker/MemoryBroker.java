package dev.semafor.broker;

import dev.semafor.JobError;
import dev.semafor.JobState;
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
 * One lock guards every mutation. Each queue keeps a heap of ready jobs (priority, then id) and a
 * heap of scheduled ones (run-at); a lease first moves the scheduled jobs that have come due. Heaps
 * are cleaned lazily: an entry whose job is no longer waiting (cancelled, say) is skipped when it
 * surfaces. {@link #get} reads without the lock.
 */
public final class MemoryBroker implements Broker {
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final String tokenSalt = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

  /** All jobs by id. Written under {@link #lock}; read by {@link #get} without it. */
  private final Map<String, Slot> jobs = new ConcurrentHashMap<>();

  /** Guarded by {@link #lock}. */
  private final Map<String, QueueState> queues = new HashMap<>();

  /** Leased jobs by id. Guarded by {@link #lock}. */
  private final Map<String, Slot> running = new HashMap<>();

  /** Running jobs per concurrency key. Guarded by {@link #lock}. */
  private final Map<String, Integer> runningByKey = new HashMap<>();

  /** The worker registry by id; a concurrent map, so it needs no lock. */
  private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();

  /** Guarded by {@link #lock}. */
  private long sequence;

  /** Guarded by {@link #lock}. */
  private long tokens;

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
      Set<String> ids = new HashSet<>(batch.size() * 2);
      for (JobRecord job : batch) {
        if (jobs.containsKey(job.id()) || !ids.add(job.id())) {
          throw new IllegalArgumentException("a job with id " + job.id() + " already exists");
        }
        if (!job.state().isWaiting()) {
          throw new IllegalArgumentException(
              "job " + job.id() + " is " + job.state() + "; only QUEUED or SCHEDULED jobs enqueue");
        }
      }
      Instant now = clock.instant();
      List<JobRecord> stored = new ArrayList<>(batch.size());
      for (JobRecord job : batch) {
        Slot slot = new Slot(sequence++, job);
        jobs.put(job.id(), slot);
        QueueState q = queue(job.queue());
        q.counts[job.state().ordinal()]++;
        if (job.runAt().isAfter(now)) {
          if (job.state() == JobState.QUEUED) {
            // Not due yet, whatever the record said: only SCHEDULED jobs are promoted when due.
            transition(slot, job.toBuilder().state(JobState.SCHEDULED).build());
          }
          q.scheduled.add(new Pending(slot, job.runAt()));
        } else {
          if (job.state() == JobState.SCHEDULED) {
            transition(slot, job.toBuilder().state(JobState.QUEUED).build());
          }
          slot.inReady = true;
          q.ready.addFresh(job.priority(), slot);
        }
        stored.add(slot.record);
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
      List<Lease> leased = new ArrayList<>(Math.min(request.max(), 256));
      List<Slot> deferred = null;
      for (String name : request.queues()) {
        QueueState q = queues.get(name);
        if (q == null) {
          continue;
        }
        promoteDue(q, now);
        while (leased.size() < request.max()) {
          Slot slot = q.ready.poll();
          if (slot == null) {
            break;
          }
          slot.inReady = false;
          if (!slot.record.state().isWaiting()) {
            continue;
          }
          if (!hasConcurrencySlot(slot.record)) {
            if (deferred == null) {
              deferred = new ArrayList<>();
            }
            deferred.add(slot);
            continue;
          }
          leased.add(start(q, slot, request.workerId(), now, expires));
        }
        if (deferred != null) {
          for (Slot slot : deferred) {
            pushReady(q, slot);
          }
          deferred = null;
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
          transition(slot, next.state(JobState.DEAD).finishedAt(now).build());
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
      for (Slot slot : running.values()) {
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
        if (r.state().isFinished() && r.finishedAt() != null && !r.finishedAt().isAfter(cutoff)) {
          old.add(slot);
        }
      }
      for (Slot slot : old) {
        jobs.remove(slot.record.id());
        queue(slot.record.queue()).counts[slot.record.state().ordinal()]--;
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
      queue(slot.record.queue()).counts[slot.record.state().ordinal()]--;
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

  private Lease start(QueueState q, Slot slot, String workerId, Instant now, Instant expires) {
    String token = tokenSalt + Long.toString(++tokens, 36);
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
    running.put(r.id(), slot);
    if (r.concurrencyKey() != null && r.concurrencyLimit() > 0) {
      runningByKey.merge(r.concurrencyKey(), 1, Integer::sum);
    }
    return new Lease(slot.record, token, expires);
  }

  private boolean hasConcurrencySlot(JobRecord r) {
    if (r.concurrencyKey() == null || r.concurrencyLimit() <= 0) {
      return true;
    }
    return runningByKey.getOrDefault(r.concurrencyKey(), 0) < r.concurrencyLimit();
  }

  /** Ends the current lease of a running job: forgets its token and frees its slot. */
  private void finishLease(Slot slot) {
    slot.token = null;
    running.remove(slot.record.id());
    JobRecord r = slot.record;
    if (r.concurrencyKey() != null && r.concurrencyLimit() > 0) {
      runningByKey.computeIfPresent(r.concurrencyKey(), (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private void transition(Slot slot, JobRecord next) {
    JobRecord prev = slot.record;
    prev.state().checkTransition(next.state(), prev.id());
    if (prev.state() != next.state()) {
      long[] counts = queue(prev.queue()).counts;
      counts[prev.state().ordinal()]--;
      counts[next.state().ordinal()]++;
    }
    slot.record = next;
  }

  /** Puts a waiting job where a lease will find it: ready now, or scheduled for its run-at. */
  private void schedule(QueueState q, Slot slot, Instant now) {
    if (!slot.record.runAt().isAfter(now)) {
      if (slot.record.state() == JobState.SCHEDULED) {
        transition(slot, slot.record.toBuilder().state(JobState.QUEUED).build());
      }
      pushReady(q, slot);
    } else {
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

  private static final class Slot {
    final long seq;
    volatile JobRecord record;
    String token;
    boolean inReady;

    Slot(long seq, JobRecord record) {
      this.seq = seq;
      this.record = record;
    }
  }

  private record Pending(Slot slot, Instant runAt) {}

  private static final class QueueState {
    final ReadyQueue<Slot> ready = new ReadyQueue<>(s -> s.seq);
    final PriorityQueue<Pending> scheduled =
        new PriorityQueue<>(
            Comparator.comparing(Pending::runAt).thenComparingLong(p -> p.slot.seq));
    final long[] counts = new long[JobState.values().length];
  }
}
