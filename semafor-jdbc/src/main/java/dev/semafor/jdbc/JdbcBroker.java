package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.broker.Broker;
import dev.semafor.broker.CancelResult;
import dev.semafor.broker.Completion;
import dev.semafor.broker.Failure;
import dev.semafor.broker.GroupRecord;
import dev.semafor.broker.JobQuery;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRef;
import dev.semafor.broker.LeaseRequest;
import dev.semafor.broker.LeaseStatus;
import dev.semafor.broker.QueueStats;
import dev.semafor.broker.ScheduleRecord;
import dev.semafor.broker.WorkerInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
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
 * Every change runs in a write transaction ({@link Dialect#beginWrite()}), whatever the batch size:
 * a batch of enqueues, leases, completions or failures is all or nothing and costs at most one
 * commit; calls that wait for the writer at the same time share one ({@link WriteCombiner}). Each
 * statement is prepared once per connection and reused. Reads (get, query, stats, and the look
 * before a lease) use their own connections, so they neither wait for nor delay writes.
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

  static final String PRUNE =
      "DELETE FROM "
          + TABLE
          + " WHERE rid IN (SELECT rid FROM "
          + TABLE
          + " WHERE finished_at IS NOT NULL AND finished_at <= ?"
          + " AND state IN ('SUCCEEDED', 'DEAD', 'CANCELLED')"
          + JobControl.PRUNABLE
          + " LIMIT ?)";
  static final String EXISTS = "SELECT 1 FROM " + TABLE + " WHERE id = ?";

  private final Dialect dialect;
  private final InstantSource clock;
  private final SessionPool writers;
  private final SessionPool readers;
  private final WriteCombiner writes;
  private final Leasing leasing;
  private final String tokenSalt =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
  private final AtomicLong leaseCalls = new AtomicLong();

  private JdbcBroker(
      Dialect dialect, InstantSource clock, SessionPool writers, SessionPool readers) {
    this.dialect = dialect;
    this.clock = clock;
    this.writers = writers;
    this.readers = readers;
    this.writes = new WriteCombiner(writers, dialect.beginWrite());
    this.leasing = new Leasing(dialect);
  }

  /**
   * Opens a broker on the dialect's database: checks it, connects, creates or upgrades the schema.
   * Throws {@link dev.semafor.BrokerUnavailableException} naming the database and the problem.
   */
  static JdbcBroker open(Dialect dialect, InstantSource clock) {
    dialect.checkBeforeOpen();
    List<Session> writing = new ArrayList<>();
    List<Session> reading = new ArrayList<>();
    try {
      for (int i = 0; i < dialect.connections(Dialect.Role.WRITER); i++) {
        writing.add(new Session(dialect.connect(Dialect.Role.WRITER)));
      }
      Schema.migrate(writing.get(0), dialect);
      for (int i = 0; i < dialect.connections(Dialect.Role.READER); i++) {
        reading.add(new Session(dialect.connect(Dialect.Role.READER)));
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writing);
      closeQuietly(reading);
      dialect.close();
      throw e instanceof SQLException sql ? dialect.unavailable("open", sql) : (RuntimeException) e;
    }
    SessionPool writers = new SessionPool(dialect.describe(), writing);
    SessionPool readers =
        reading.isEmpty() ? writers : new SessionPool(dialect.describe(), reading);
    return new JdbcBroker(dialect, clock, writers, readers);
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
    return insert(
        "enqueue",
        stored,
        s -> {
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
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    List<JobRecord> stored = JobControl.checkGroup(group, members, clock.instant());
    return insert(
        "enqueue",
        stored,
        s -> {
          JobControl.enqueueGroup(s, group, stored);
          return stored;
        });
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    String prefix = tokenSalt + Long.toString(leaseCalls.incrementAndGet(), 36) + ".";
    if (!read("lease", s -> leasing.anyDue(s, request.queues(), clock.instant()))) {
      return List.of(); // nothing to lease: no write lock taken
    }
    return write("lease", s -> leasing.lease(s, request, clock.instant(), prefix));
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    if (leases.isEmpty()) {
      return List.of();
    }
    return write("heartbeat", s -> Attempts.heartbeat(s, leases, clock.instant().plus(extension)));
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    if (completions.isEmpty()) {
      return List.of();
    }
    return write(
        "complete",
        s -> {
          Instant now = clock.instant();
          List<Boolean> applied = Attempts.complete(s, completions, now);
          JobControl.afterSuccess(s, dialect, completions, applied, now);
          return applied;
        });
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    if (failures.isEmpty()) {
      return List.of();
    }
    boolean ends = failures.stream().anyMatch(f -> f.retryAt() == null);
    return write(
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
    write(
        "release",
        s -> {
          LeaseLimits.giveBack(s, dialect, leases); // before the release clears the start times
          Attempts.release(s, leases, clock.instant());
          JobControl.failGroups(s); // a job whose cancellation was requested ends here
          return null;
        });
  }

  @Override
  public void progress(LeaseRef lease, double fraction, String message) {
    write(
        "progress",
        s -> {
          Attempts.progress(s, lease, fraction, message);
          return null;
        });
  }

  @Override
  public CancelResult cancel(String jobId) {
    return write(
        "cancel",
        s -> {
          CancelResult result = JobCommands.cancel(s, jobId, clock.instant());
          if (result == CancelResult.CANCELLED) {
            JobControl.failGroups(s);
          }
          return result;
        });
  }

  @Override
  public boolean retry(String jobId) {
    return write("retry", s -> JobCommands.retry(s, jobId, clock.instant()));
  }

  @Override
  public boolean delete(String jobId) {
    return write("delete", s -> JobCommands.delete(s, jobId));
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return read("cancel requests", s -> JobControl.cancelRequested(s, workerId));
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    JobRecord stored = job == null ? null : JobRows.normalize(job, clock.instant());
    return insert(
        "claim a schedule tick",
        stored == null ? List.of() : List.of(stored),
        s -> JobControl.claimTick(s, schedule, tick, stored));
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return read("schedules", JobControl::schedules);
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return read("get", s -> JobQueries.get(s, jobId));
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    return read("query", s -> JobQueries.query(s, query));
  }

  @Override
  public List<QueueStats> stats() {
    return read("stats", JobQueries::stats);
  }

  @Override
  public int reapExpiredLeases() {
    return write(
        "reap",
        s -> {
          int reaped = leasing.reap(s, clock.instant());
          if (reaped > 0) {
            JobControl.failGroups(s);
          }
          return reaped;
        });
  }

  /** Deletes in chunks, one transaction each, so that other writers are never held up long. */
  @Override
  public int prune(Duration retention) {
    long cutoff = millis(clock.instant().minus(retention));
    int total = 0;
    int deleted;
    do {
      deleted =
          write(
              "prune",
              s -> {
                PreparedStatement ps = s.prepare(PRUNE);
                ps.setLong(1, cutoff);
                ps.setInt(2, PRUNE_CHUNK);
                return ps.executeUpdate();
              });
      total += deleted;
    } while (deleted == PRUNE_CHUNK);
    write(
        "prune",
        s -> {
          JobControl.forgetFinished(s, clock.instant());
          return null;
        });
    return total;
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    write(
        "register worker",
        s -> {
          WorkerRegistry.register(s, info, clock.instant());
          return null;
        });
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    write(
        "heartbeat worker",
        s -> {
          WorkerRegistry.heartbeat(s, workerId, inFlight, clock.instant());
          return null;
        });
  }

  @Override
  public List<WorkerInfo> workers() {
    return read("list workers", WorkerRegistry::list);
  }

  @Override
  public void unregisterWorker(String workerId) {
    write(
        "unregister worker",
        s -> {
          WorkerRegistry.unregister(s, workerId);
          return null;
        });
  }

  @Override
  public String describe() {
    return dialect.describe();
  }

  @Override
  public void close() {
    try {
      if (readers != writers) {
        readers.close();
      }
      writers.close();
    } catch (SQLException e) {
      throw dialect.unavailable("close", e);
    } finally {
      dialect.close();
    }
  }

  // ---- internals ----

  /** Runs {@code work} in a write transaction; database errors become clear exceptions. */
  private <T> T write(String doing, SessionPool.SqlWork<T> work) {
    try {
      return writeRaw(work);
    } catch (SQLException e) {
      throw dialect.unavailable(doing, e);
    }
  }

  private <T> T writeRaw(SessionPool.SqlWork<T> work) throws SQLException {
    return writes.write(work);
  }

  /** A write that stores {@code jobs}: a duplicate id becomes an error that names it. */
  private <T> T insert(String doing, List<JobRecord> jobs, SessionPool.SqlWork<T> work) {
    try {
      return writeRaw(work);
    } catch (SQLException e) {
      if (dialect.isUniqueViolation(e) && !jobs.isEmpty()) {
        throw duplicate(jobs);
      }
      throw dialect.unavailable(doing, e);
    }
  }

  private <T> T read(String doing, SessionPool.SqlWork<T> work) {
    try {
      return readers.use(work);
    } catch (SQLException e) {
      throw dialect.unavailable(doing, e);
    }
  }

  /** Names the id that broke uniqueness: one already stored, or one the batch holds twice. */
  private IllegalArgumentException duplicate(List<JobRecord> batch) {
    Set<String> seen = new HashSet<>();
    for (JobRecord job : batch) {
      if (!seen.add(job.id())) {
        return new IllegalArgumentException("the batch holds job id " + job.id() + " twice");
      }
    }
    String existing =
        read(
            "enqueue",
            s -> {
              PreparedStatement ps = s.prepare(EXISTS);
              for (JobRecord job : batch) {
                ps.setString(1, job.id());
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    return job.id();
                  }
                }
              }
              return null;
            });
    return new IllegalArgumentException(
        existing == null
            ? "a job id of the batch already exists"
            : "a job with id " + existing + " already exists");
  }

  private static void closeQuietly(List<Session> sessions) {
    for (Session session : sessions) {
      try {
        session.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one reported
      }
    }
  }
}
