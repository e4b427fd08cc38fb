package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.Names;
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
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Broker} over a relational database, one table of jobs. What differs between databases
 * lives in a {@link Dialect}; this class holds every query and state change.
 *
 * <h2>Transactions</h2>
 *
 * Every change runs in a write transaction ({@link Dialect#transactions()}), whatever the batch
 * size: a batch of enqueues, leases, completions or failures is all or nothing and costs at most
 * one commit; calls that wait for the writer at the same time share one ({@link WriteCombiner}).
 * Each statement is prepared once per connection and reused. Reads (get, query, stats, and the look
 * before a lease) use their own connections, so they neither wait for nor delay writes. The
 * connections, the combiner and the translation of database errors are in {@link Database}.
 *
 * <h2>Leases</h2>
 *
 * A job is {@code RUNNING} with a {@code lease_token} while leased; completion, failure, release,
 * heartbeat and progress all match on id <em>and</em> token <em>and</em> {@code RUNNING}, so a
 * stale token changes nothing ({@link Attempts}). The lease algorithm is in {@link Leasing}.
 *
 * <p>Times are stored as epoch milliseconds, so records come back with their times cut to whole
 * milliseconds ({@link #enqueue} returns them so).
 */
public final class JdbcBroker implements Broker {
  private static final int PRUNE_CHUNK = 10_000;
  private static final Duration WAKE_SLACK = Duration.ofSeconds(1);

  static final String PRUNE =
      "DELETE FROM "
          + TABLE
          + " WHERE rid IN (SELECT rid FROM "
          + TABLE
          + " WHERE finished_at IS NOT NULL AND finished_at <= ?"
          + " AND state IN ('SUCCEEDED', 'DEAD', 'CANCELLED')"
          + JobControl.PRUNABLE
          + " LIMIT ?)";

  private final Dialect dialect;
  private final InstantSource clock;
  private final Database db;
  private final Leasing leasing;
  private final WorkSignal signal;
  private final String tokenSalt =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
  private final AtomicLong leaseCalls = new AtomicLong();

  /**
   * The last lease that took all it was asked for, or null: the same queues and tasks likely hold
   * more, so the next lease of them skips the look for anything due ({@link
   * Dialect#looksBeforeLease}), which costs two statements on a reader that must first catch up
   * with the commits since its last read. A hint: at worst one lease takes the write lock and finds
   * nothing, as it would without the look, and clears it.
   */
  private volatile LeaseRequest tookAll;

  private JdbcBroker(Dialect dialect, InstantSource clock, Database db) {
    this.dialect = dialect;
    this.clock = clock;
    this.db = db;
    this.leasing = new Leasing(dialect);
    this.signal = dialect.workSignal();
  }

  /**
   * Opens a broker on the dialect's database: checks it, connects, creates or upgrades the schema.
   * The broker reads the time from {@code clock} when that is a {@link ControlledClock} or the
   * database is local ({@link Dialect#serverMillis()} is null); otherwise from the database
   * server's clock ({@link ServerClock}), which every worker then shares. Throws {@link
   * dev.semafor.BrokerUnavailableException} naming the database and the problem.
   */
  static JdbcBroker open(Dialect dialect, InstantSource clock) {
    Database db = Database.open(dialect);
    if (clock instanceof ControlledClock || dialect.serverMillis() == null) {
      return new JdbcBroker(dialect, clock, db);
    }
    try {
      return new JdbcBroker(dialect, ServerClock.start(db, dialect.serverMillis()), db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  public List<JobRecord> enqueue(List<JobRecord> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    Instant now = clock.instant();
    List<JobRecord> stored = new ArrayList<>(jobs.size());
    for (JobRecord job : jobs) {
      stored.add(JobRows.normalize(job, now));
    }
    boolean unique = stored.stream().anyMatch(job -> job.uniqueKey() != null);
    String alone = dialect.insertOneAndAnnounce();
    if (stored.size() == 1 && !unique && alone != null) {
      boolean due = !dueQueues(stored, now).isEmpty();
      db.insertAlone(
          "enqueue",
          stored,
          s -> {
            PreparedStatement ps = s.prepare(alone);
            JobRows.bindInsert(ps, stored.get(0));
            ps.setBoolean(JobRows.INSERTED + 1, due);
            ps.executeQuery().close();
            return null;
          });
      signal.added();
      return stored;
    }
    List<JobRecord> result =
        db.insert(
            "enqueue",
            stored,
            s -> {
              signal.adding(s, dueQueues(stored, now));
              if (unique) {
                return JobControl.enqueueUnique(s, stored, now);
              }
              PreparedStatement ps = s.prepare(JobRows.INSERT);
              for (JobRecord job : stored) {
                JobRows.bindInsert(ps, job);
                ps.addBatch();
              }
              ps.executeBatch();
              return stored;
            });
    signal.added();
    return result;
  }

  /**
   * The queues that {@code jobs} make work on now: those of the jobs due within {@link #WAKE_SLACK}
   * of {@code now}, since a producer's clock may run a little ahead of the one the broker reads (a
   * waiter woken a little early leases nothing and waits again).
   */
  private static Set<String> dueQueues(List<JobRecord> jobs, Instant now) {
    Instant soon = now.plus(WAKE_SLACK);
    Set<String> queues = new LinkedHashSet<>();
    for (JobRecord job : jobs) {
      if (job.runAt().isBefore(soon)) {
        queues.add(job.queue());
      }
    }
    return queues;
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    Instant now = clock.instant();
    List<JobRecord> stored = JobControl.checkGroup(group, members, now);
    db.insert(
        "enqueue",
        stored,
        s -> {
          signal.adding(s, dueQueues(stored, now));
          JobControl.enqueueGroup(s, group, stored);
          return null;
        });
    signal.added();
    return stored;
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    String prefix = tokenSalt + Long.toString(leaseCalls.incrementAndGet(), 36) + ".";
    signal.leasing(); // before the look: a commit after it wakes the wait that follows
    boolean looks = dialect.looksBeforeLease();
    LeaseRequest last = looks ? tookAll : null;
    boolean moreLikely = last != null && sameWork(last, request);
    if (looks
        && !moreLikely
        && !db.read("lease", s -> leasing.anyDue(s, request.queues(), clock.instant()))) {
      return List.of(); // nothing to lease: no write lock taken
    }
    Leasing.Taken taken =
        db.write("lease", s -> leasing.lease(s, request, clock.instant(), prefix));
    if (looks && taken.count() >= request.max()) {
      tookAll = request;
    } else if (moreLikely) {
      tookAll = null;
    }
    if (!taken.unread()) {
      return taken.leases();
    }
    // Committed: the records are read beside the writer, which is free for the next write. Should
    // this read fail, the leases stand and come back to their queues when they expire.
    return db.read("lease", s -> leasing.records(s, taken));
  }

  /** True if two lease requests are for the same queues and tasks. */
  private static boolean sameWork(LeaseRequest a, LeaseRequest b) {
    return a.queues().equals(b.queues()) && a.tasks().equals(b.tasks());
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    if (leases.isEmpty()) {
      return List.of();
    }
    return db.write(
        "heartbeat", s -> Attempts.heartbeat(s, dialect, leases, clock.instant().plus(extension)));
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    Attempts.Completing batch = Attempts.completing(dialect, completions);
    List<Boolean> applied =
        db.write(
            "complete",
            s -> {
              Instant now = clock.instant();
              List<Boolean> done = Attempts.complete(s, dialect, batch, now);
              JobControl.afterSuccess(s, dialect, completions, batch.rids(), done, now);
              return done;
            });
    if (anyThen(completions)) {
      signal.added(); // a chain's next step is ready (a chord's callback is found by polling)
    }
    return applied;
  }

  /** True if any of {@code completions} carries a chain's next step. */
  private static boolean anyThen(List<Completion> completions) {
    for (Completion c : completions) {
      if (!c.then().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    if (failures.isEmpty()) {
      return List.of();
    }
    boolean ends = failures.stream().anyMatch(f -> f.retryAt() == null);
    return db.write(
        "fail",
        s -> {
          List<Boolean> applied = Attempts.fail(s, failures, clock.instant());
          if (ends) {
            JobControl.failGroups(s);
          }
          return applied;
        });
  }

  @Override
  public void release(List<LeaseRef> leases) {
    if (leases.isEmpty()) {
      return;
    }
    db.write(
        "release",
        s -> {
          LeaseLimits.giveBack(s, dialect, leases); // before the release clears the start times
          Attempts.release(s, leases, clock.instant());
          JobControl.failGroups(s); // a job whose cancellation was requested ends here
          return null;
        });
    signal.added();
  }

  @Override
  public void markStarted(List<LeaseRef> leases) {
    if (leases.isEmpty()) {
      return;
    }
    db.write(
        "mark started",
        s -> {
          Attempts.markStarted(s, leases);
          return null;
        });
  }

  @Override
  public void progress(LeaseRef lease, double fraction, String message) {
    db.write(
        "progress",
        s -> {
          Attempts.progress(s, lease, fraction, message);
          return null;
        });
  }

  @Override
  public List<Boolean> appendLogs(List<LogLines> logs) {
    if (logs.isEmpty()) {
      return List.of();
    }
    return db.write("append log lines", s -> JobLogs.append(s, logs));
  }

  @Override
  public List<LogLine> logs(String jobId) {
    return db.read("log lines", s -> JobLogs.read(s, jobId));
  }

  @Override
  public CancelResult cancel(String jobId) {
    return db.write(
        "cancel",
        s -> {
          CancelResult result = JobCommands.cancel(s, dialect, jobId, clock.instant());
          if (result == CancelResult.CANCELLED) {
            JobControl.failGroups(s);
          }
          return result;
        });
  }

  @Override
  public boolean retry(String jobId) {
    boolean retried = retryOnce(jobId, 3);
    if (retried) {
      signal.added();
    }
    return retried;
  }

  /**
   * Retries {@code jobId}, up to {@code tries} times when an enqueue took the job's unique key
   * between the look at its holder and the update ({@link JobCommands.KeyTakenMeanwhile}): the next
   * look finds that holder and refuses with {@link dev.semafor.UniqueKeyConflictException}.
   */
  private boolean retryOnce(String jobId, int tries) {
    for (int i = 1; ; i++) {
      try {
        return db.write("retry", s -> JobCommands.retry(s, dialect, jobId, clock.instant()));
      } catch (JobCommands.KeyTakenMeanwhile raced) {
        if (i >= tries) {
          throw dialect.unavailable("retry", (SQLException) raced.getCause());
        }
      }
    }
  }

  @Override
  public boolean delete(String jobId) {
    return db.write("delete", s -> JobCommands.delete(s, jobId));
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return db.read("cancel requests", s -> JobControl.cancelRequested(s, workerId));
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    JobRecord stored = job == null ? null : JobRows.normalize(job, clock.instant());
    boolean claimed =
        db.insert(
            "claim a schedule tick",
            stored == null ? List.of() : List.of(stored),
            s -> JobControl.claimTick(s, schedule, tick, stored));
    if (claimed && stored != null) {
      signal.added();
    }
    return claimed;
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return db.read("schedules", JobControl::schedules);
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return db.read("get", s -> JobQueries.get(s, jobId));
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    return db.read("query", s -> JobQueries.query(s, query));
  }

  @Override
  public List<QueueStats> stats() {
    return db.read("stats", s -> QueueStats.withPaused(JobQueries.stats(s), PausedQueues.list(s)));
  }

  @Override
  public boolean pauseQueue(String queue) {
    Names.queue(queue);
    return db.write("pause queue", s -> PausedQueues.pause(s, queue, clock.instant()));
  }

  @Override
  public boolean resumeQueue(String queue) {
    Names.queue(queue);
    boolean resumed =
        db.write(
            "resume queue",
            s -> {
              boolean was = PausedQueues.resume(s, queue);
              if (was) {
                signal.adding(s, List.of(queue));
              }
              return was;
            });
    if (resumed) {
      signal.added();
    }
    return resumed;
  }

  @Override
  public List<String> pausedQueues() {
    return db.read("paused queues", PausedQueues::list);
  }

  @Override
  public List<TaskCount> queuedTasks() {
    return db.read("queued tasks", JobQueries::queuedTasks);
  }

  @Override
  public int reapExpiredLeases() {
    int reaped =
        db.write(
            "reap",
            s -> {
              int n = leasing.reap(s, clock.instant());
              if (n > 0) {
                JobControl.failGroups(s);
              }
              return n;
            });
    if (reaped > 0) {
      signal.added();
    }
    return reaped;
  }

  /** Deletes in chunks, one transaction each, so that other writers are never held up long. */
  @Override
  public int prune(Duration retention) {
    long cutoff = millis(clock.instant().minus(retention));
    int total = 0;
    int deleted;
    do {
      deleted =
          db.write(
              "prune",
              s -> {
                PreparedStatement ps = s.prepare(PRUNE);
                ps.setLong(1, cutoff);
                ps.setInt(2, PRUNE_CHUNK);
                return ps.executeUpdate();
              });
      total += deleted;
    } while (deleted == PRUNE_CHUNK);
    db.write(
        "prune",
        s -> {
          JobControl.forgetFinished(s, clock.instant());
          return null;
        });
    return total;
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    db.write(
        "register worker",
        s -> {
          WorkerRegistry.register(s, info, clock.instant());
          return null;
        });
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    db.write(
        "heartbeat worker",
        s -> {
          WorkerRegistry.heartbeat(s, workerId, inFlight, clock.instant());
          return null;
        });
  }

  @Override
  public List<WorkerInfo> workers() {
    return db.read("list workers", WorkerRegistry::list);
  }

  @Override
  public void unregisterWorker(String workerId) {
    db.write(
        "unregister worker",
        s -> {
          WorkerRegistry.unregister(s, workerId);
          return null;
        });
  }

  /**
   * Waits on the dialect's {@link WorkSignal}: on SQLite until a commit in this process or another
   * on the machine made work ready ({@link SqliteWakeUps}), on PostgreSQL until a {@code NOTIFY}
   * from any host ({@link PostgresListener}), or until the timeout.
   */
  @Override
  public void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    signal.await(queues, timeout);
  }

  @Override
  public String describe() {
    return dialect.describe();
  }

  @Override
  public void close() {
    try {
      signal.close();
      if (clock instanceof ServerClock server) {
        server.close();
      }
    } finally {
      db.close();
    }
  }
}
