package dev.semafor.redis;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobState;
import dev.semafor.Names;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.ControlledClock;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis broker ({@code redis://…}): every state change is one Lua script run by SHA, so it is
 * atomic however many workers on however many hosts share the prefix. See {@code docs/redis.md} for
 * the key layout, what each call costs, Cluster, outages and durability.
 *
 * <h2>Time</h2>
 *
 * Opened with a {@link ControlledClock} (a test), the broker passes that clock's now to every
 * script; otherwise each script reads the server's {@code TIME}, so workers whose clocks disagree
 * still agree on lease expiry, run-at and rate windows.
 *
 * <p>Thread-safe: one Lettuce connection, shared (Lettuce pipelines the calls of many threads), and
 * a second one for the wake-ups ({@link Wakeups}).
 */
public final class RedisBroker implements Broker {
  /** Jobs reaped, or pruned, per script call: bounds how long one call holds the server. */
  private static final int CHUNK = 1000;

  private final RedisStore store;
  private final InstantSource clock;
  private final boolean controlled;
  private final RedisReads reads;
  private final Wakeups wakeups;

  /** Tokens: this handle's random prefix, a counter per lease call, the job's place in it. */
  private final String tokenPrefix =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";

  private final AtomicLong leaseCalls = new AtomicLong();

  private RedisBroker(RedisStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    this.controlled = clock instanceof ControlledClock;
    this.reads = new RedisReads(store);
    this.wakeups = new Wakeups(store, this::nowMillis);
  }

  /** Opens a broker on {@code url}; throws {@link BrokerUnavailableException} if unreachable. */
  static RedisBroker open(RedisUrl url, InstantSource clock) {
    return new RedisBroker(RedisStore.connect(url), clock);
  }

  /** "now" as the scripts take it: the controlled clock's millis, or empty for the server's. */
  private String now() {
    return controlled ? Long.toString(clock.millis()) : "";
  }

  /** The time the broker compares against: the controlled clock's, or the server's. */
  private long nowMillis() {
    return controlled ? clock.millis() : store.serverMillis();
  }

  private List<String> args(int capacity) {
    List<String> a = new ArrayList<>(capacity);
    a.add(now());
    return a;
  }

  @Override
  public List<JobRecord> enqueue(List<JobRecord> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    Batches.checkNew(jobs);
    List<String> a = args(2 + jobs.size() * 24);
    a.add(Integer.toString(jobs.size()));
    for (JobRecord j : jobs) {
      JobCodec.appendJob(a, j);
    }
    return Batches.stored(jobs, store.call(Scripts.Name.ENQUEUE, a));
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    group.checkMembers(members);
    Batches.checkNew(members);
    List<String> a = args(5 + members.size() * 24);
    a.add(group.id());
    a.add(Integer.toString(group.size()));
    a.add(group.callback() == null ? "" : CallbackSpec.encode(group.callback()));
    a.add(Integer.toString(members.size()));
    for (JobRecord j : members) {
      JobCodec.appendJob(a, j);
    }
    List<Object> out = store.call(Scripts.Name.ENQUEUE_GROUP, a);
    if ("group".equals(out.get(0))) {
      throw new IllegalArgumentException("a group with id " + group.id() + " already exists");
    }
    return Batches.stored(members, out);
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    wakeups.leasing();
    String base = tokenPrefix + Long.toString(leaseCalls.incrementAndGet(), 36) + ".";
    List<String> a = args(6 + request.tasks().size() + request.queues().size());
    a.add(request.workerId());
    a.add(Long.toString(request.duration().toMillis()));
    a.add(Integer.toString(request.max()));
    a.add(base);
    a.add(Integer.toString(request.tasks().size()));
    a.addAll(request.tasks());
    a.addAll(request.queues());
    List<Object> out = store.call(Scripts.Name.LEASE, a);
    Instant now = Instant.ofEpochMilli((Long) out.get(0));
    Instant expires = now.plus(request.duration());
    List<Lease> leases = new ArrayList<>(out.size() / 2);
    for (int k = 1; k + 1 < out.size(); k += 2) {
      JobRecord job =
          JobCodec.leased((String) out.get(k), out.get(k + 1), now, expires, request.workerId());
      leases.add(new Lease(job, JobCodec.token(base, leases.size() + 1, job), expires));
    }
    return leases;
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    if (leases.isEmpty()) {
      return List.of();
    }
    List<String> a = args(2 + 2 * leases.size());
    a.add(Long.toString(extension.toMillis()));
    for (LeaseRef ref : leases) {
      a.add(ref.jobId());
      a.add(ref.token());
    }
    List<Object> out = store.call(Scripts.Name.HEARTBEAT, a);
    List<LeaseStatus> statuses = new ArrayList<>(out.size());
    for (Object o : out) {
      long s = (Long) o;
      statuses.add(
          s == 0 ? LeaseStatus.LOST : s == 2 ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.ACTIVE);
    }
    return statuses;
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    List<String> a = args(1 + 4 * completions.size());
    for (Completion c : completions) {
      a.add(c.lease().jobId());
      a.add(c.lease().token());
      a.add(c.result() == null ? "" : c.result());
      a.add(Integer.toString(c.then().size()));
      for (JobRecord next : c.then()) {
        JobCodec.appendJob(a, next);
      }
    }
    return Batches.applied(store.call(Scripts.Name.COMPLETE, a));
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    if (failures.isEmpty()) {
      return List.of();
    }
    List<String> a = args(1 + 7 * failures.size());
    for (Failure f : failures) {
      a.add(f.lease().jobId());
      a.add(f.lease().token());
      a.add(f.error() == null ? "unknown" : f.error().type());
      a.add(f.error() == null ? "" : f.error().message());
      a.add(f.error() == null ? "" : f.error().stackTrace());
      a.add(f.retryAt() == null ? "" : Long.toString(f.retryAt().toEpochMilli()));
      a.add(f.cancelled() ? "1" : "0");
    }
    return Batches.applied(store.call(Scripts.Name.FAIL, a));
  }

  @Override
  public void release(List<LeaseRef> leases) {
    if (leases.isEmpty()) {
      return;
    }
    store.call(Scripts.Name.RELEASE, refs(leases));
  }

  /** A script's arguments for a batch of leases: now, then each lease's job id and token. */
  private List<String> refs(List<LeaseRef> leases) {
    List<String> a = args(1 + 2 * leases.size());
    for (LeaseRef ref : leases) {
      a.add(ref.jobId());
      a.add(ref.token());
    }
    return a;
  }

  @Override
  public void markStarted(List<LeaseRef> leases) {
    if (leases.isEmpty()) {
      return;
    }
    store.call(Scripts.Name.MARK_STARTED, refs(leases));
  }

  @Override
  public void progress(LeaseRef lease, double fraction, String message) {
    List<String> a = args(6);
    a.add(lease.jobId());
    a.add(lease.token());
    a.add(Double.toString(Math.max(0, Math.min(1, fraction))));
    a.add(message == null ? "0" : "1");
    a.add(message == null ? "" : message);
    store.call(Scripts.Name.PROGRESS, a);
  }

  @Override
  public CancelResult cancel(String jobId) {
    List<String> a = args(2);
    a.add(jobId);
    return CancelResult.valueOf((String) store.call(Scripts.Name.CANCEL, a).get(0));
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return reads.cancelRequested(workerId);
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    if (job != null) {
      Batches.checkNew(List.of(job));
    }
    List<String> a = args(8);
    a.add(schedule.name());
    a.add(Long.toString(tick.toEpochMilli()));
    a.add(RedisReads.scheduleJson(schedule));
    if (job != null) {
      JobCodec.appendJob(a, job);
    }
    List<Object> out = store.call(Scripts.Name.CLAIM, a);
    if ("duplicate".equals(out.get(0))) {
      throw new IllegalArgumentException("a job with id " + out.get(1) + " already exists");
    }
    return (Long) out.get(0) == 1L;
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return reads.schedules();
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return reads.get(jobId);
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    return reads.query(query);
  }

  @Override
  public List<QueueStats> stats() {
    return reads.stats();
  }

  @Override
  public List<Boolean> appendLogs(List<LogLines> logs) {
    if (logs.isEmpty()) {
      return List.of();
    }
    List<String> a = args(3 + 3 * logs.size());
    a.add(Integer.toString(LogLine.MAX_LINES));
    a.add(Integer.toString(logs.size()));
    for (LogLines l : logs) {
      a.add(l.lease().jobId());
      a.add(l.lease().token() == null ? "" : l.lease().token());
      a.add(LogLine.toJson(l.lines()));
    }
    return store.call(Scripts.Name.LOGS, a).stream().map(n -> (Long) n == 1L).toList();
  }

  @Override
  public List<LogLine> logs(String jobId) {
    return LogLine.fromJson(store.read(r -> r.hget(store.key("j:" + jobId), "lg")));
  }

  /** A plain {@code SADD}: {@code lease.lua} reads the set in the same script that takes jobs. */
  @Override
  public boolean pauseQueue(String queue) {
    Names.queue(queue);
    return store.read(r -> r.sadd(store.key(RedisReads.PAUSED), queue)) == 1L;
  }

  /**
   * A plain {@code SREM}, then a wake-up on the queue's channel (as an enqueue publishes), so that
   * workers idle on it lease at once.
   */
  @Override
  public boolean resumeQueue(String queue) {
    Names.queue(queue);
    return store.read(
        r -> {
          boolean resumed = r.srem(store.key(RedisReads.PAUSED), queue) == 1L;
          if (resumed) {
            r.publish(store.key("wake:" + queue), "1");
          }
          return resumed;
        });
  }

  @Override
  public List<String> pausedQueues() {
    return reads.pausedQueues();
  }

  @Override
  public List<TaskCount> queuedTasks() {
    return reads.queuedTasks();
  }

  @Override
  public int reapExpiredLeases() {
    int total = 0;
    while (true) {
      List<String> a = args(2);
      a.add(Integer.toString(CHUNK));
      List<Object> out = store.call(Scripts.Name.REAP, a);
      total += (int) (long) (Long) out.get(0);
      if ((Long) out.get(1) == 0L) {
        return total;
      }
    }
  }

  @Override
  public int prune(Duration retention) {
    String cutoff = Long.toString(nowMillis() - retention.toMillis());
    int total = 0;
    // "b": the batches of succeeded jobs complete.lua records, a few per call (each up to 512 jobs)
    for (String set : List.of("3", "b", "4", "5")) {
      int offset = 0;
      int limit = set.equals("b") ? CHUNK / 128 : CHUNK;
      while (true) {
        List<String> a = args(5);
        a.add(set);
        a.add(cutoff);
        a.add(Integer.toString(offset));
        a.add(Integer.toString(limit));
        List<Object> out = store.call(Scripts.Name.PRUNE, a);
        total += (int) (long) (Long) out.get(0);
        offset += (int) (long) (Long) out.get(1);
        if ((Long) out.get(2) < limit) {
          break;
        }
      }
    }
    return total;
  }

  @Override
  public boolean retry(String jobId) {
    List<String> a = args(2);
    a.add(jobId);
    List<Object> out = store.call(Scripts.Name.RETRY, a);
    long code = (Long) out.get(0);
    if (code == 2) {
      throw new UniqueKeyConflictException(
          jobId,
          (String) out.get(3),
          (String) out.get(1),
          JobState.values()[Integer.parseInt((String) out.get(2))]);
    }
    return code == 1;
  }

  @Override
  public boolean delete(String jobId) {
    List<String> a = args(2);
    a.add(jobId);
    return (Long) store.call(Scripts.Name.DELETE, a).get(0) == 1L;
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    workers("register", info.id(), Integer.toString(info.inFlight()), RedisReads.workerJson(info));
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    workers("beat", workerId, Integer.toString(inFlight));
  }

  @Override
  public List<WorkerInfo> workers() {
    return reads.workers();
  }

  @Override
  public void unregisterWorker(String workerId) {
    workers("forget", workerId);
  }

  private void workers(String... op) {
    List<String> a = args(1 + op.length);
    a.addAll(List.of(op));
    store.call(Scripts.Name.WORKERS, a);
  }

  @Override
  public void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    wakeups.await(queues, timeout);
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public void close() {
    store.closing();
    wakeups.close();
    store.close();
  }
}
