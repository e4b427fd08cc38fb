package dev.semafor.jdbc;

import dev.semafor.BrokerFatalException;
import dev.semafor.BrokerUnavailableException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * SQLite: one file (or one in-memory database), one writer connection and one reader.
 *
 * <h2>Why one connection per role</h2>
 *
 * SQLite admits one writer at a time per file, whatever the number of connections: a pool of
 * writers would only move the queueing from a Java lock into SQLite's busy handler, which waits by
 * sleeping (up to 100 ms a try) and answers {@code SQLITE_BUSY} when it gives up. One writer behind
 * a fair lock queues in Java, in order, with no sleeps, keeps its prepared statements, and lets the
 * writes that wait for it share a commit ({@link WriteCombiner}). In WAL mode readers never block
 * the writer nor each other, so one reader connection serves get, query and stats beside it.
 * Several <em>processes</em> on one file still meet in SQLite's lock: each write transaction begins
 * with {@code BEGIN IMMEDIATE} (taking the write lock at once, so no transaction ever has to be
 * retried) and waits up to {@link #BUSY_TIMEOUT_MS} for it.
 *
 * <h2>Settings</h2>
 *
 * {@code journal_mode=WAL} (set once, stored in the file), {@code synchronous=NORMAL} (a commit is
 * durable against a process crash; the last commits may be lost if the machine loses power, never
 * corrupted), a busy timeout, and a page cache big enough to hold the hot indexes. Checkpoints run
 * in the background ({@link SqliteCheckpointer}), not in the writer's commits.
 */
final class SqliteDialect implements Dialect {
  /** How long a write waits for another process's write lock before giving up. */
  static final int BUSY_TIMEOUT_MS = 30_000;

  private static final long CACHE_KIB = 64 * 1024;
  private static final long MMAP_BYTES = 256L * 1024 * 1024;

  /** The writer's own checkpoint: a backstop, should the background checkpoints fall behind. */
  private static final int WAL_AUTOCHECKPOINT_PAGES = 50_000;

  private static final long JOURNAL_SIZE_LIMIT = 64L * 1024 * 1024;

  private static final String JOBS = JobRows.TABLE;

  /** Version 1: the tables. */
  private static final List<String> V1 =
      List.of(
          "CREATE TABLE " + Schema.META + " (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE "
              + JOBS
              + " ("
              + "rid INTEGER PRIMARY KEY, id TEXT NOT NULL, task TEXT NOT NULL,"
              + " queue TEXT NOT NULL, state TEXT NOT NULL, priority INTEGER NOT NULL,"
              + " input TEXT, result TEXT,"
              + " error_type TEXT, error_message TEXT, error_stack TEXT,"
              + " attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL,"
              + " backoff_base_ms INTEGER NOT NULL, backoff_max_ms INTEGER NOT NULL,"
              + " backoff_jitter REAL NOT NULL, timeout_ms INTEGER,"
              + " run_at INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, started_at INTEGER,"
              + " finished_at INTEGER, lease_expires_at INTEGER, worker_id TEXT, lease_token TEXT,"
              + " unique_key TEXT, concurrency_key TEXT, concurrency_limit INTEGER NOT NULL,"
              + " progress REAL NOT NULL, progress_message TEXT,"
              + " cancel_requested INTEGER NOT NULL)",
          "CREATE UNIQUE INDEX semafor_jobs_id ON " + JOBS + " (id)");

  /**
   * Version 2: the partial indexes that keep every hot path's cost independent of how many finished
   * jobs the table holds. Each covers only the rows its path looks at: waiting jobs in lease order,
   * scheduled jobs by run-at, running jobs by lease expiry and by concurrency key, finished jobs by
   * finish time (for pruning).
   */
  private static final List<String> V2 =
      List.of(
          "CREATE INDEX semafor_jobs_ready ON "
              + JOBS
              + " (queue, priority DESC, id) WHERE state = 'QUEUED'",
          "CREATE INDEX semafor_jobs_due ON " + JOBS + " (run_at) WHERE state = 'SCHEDULED'",
          "CREATE INDEX semafor_jobs_leased ON "
              + JOBS
              + " (lease_expires_at) WHERE state = 'RUNNING'",
          "CREATE INDEX semafor_jobs_limited ON "
              + JOBS
              + " (concurrency_key) WHERE state = 'RUNNING' AND concurrency_key IS NOT NULL",
          "CREATE INDEX semafor_jobs_finished ON "
              + JOBS
              + " (finished_at) WHERE finished_at IS NOT NULL");

  /** Version 3: the worker registry. */
  private static final List<String> V3 =
      List.of(
          "CREATE TABLE "
              + WorkerRegistry.TABLE
              + " (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,"
              + " model TEXT NOT NULL, concurrency INTEGER NOT NULL, queues TEXT NOT NULL,"
              + " in_flight INTEGER NOT NULL, started_at INTEGER NOT NULL,"
              + " last_heartbeat INTEGER NOT NULL)");

  /**
   * Version 4: job control. The job columns of unique policies, rate limits, chains and groups;
   * indexes for the unique key of waiting and running jobs, group members and running jobs whose
   * cancellation was requested; and the tables of rate-limit starts, groups and schedules.
   */
  private static final List<String> V4 =
      List.of(
          "ALTER TABLE " + JOBS + " ADD COLUMN unique_policy TEXT",
          "ALTER TABLE " + JOBS + " ADD COLUMN rate_key TEXT",
          "ALTER TABLE " + JOBS + " ADD COLUMN rate_permits INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE " + JOBS + " ADD COLUMN rate_period_ms INTEGER",
          "ALTER TABLE " + JOBS + " ADD COLUMN next_steps TEXT",
          "ALTER TABLE " + JOBS + " ADD COLUMN group_id TEXT",
          "ALTER TABLE " + JOBS + " ADD COLUMN group_index INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX semafor_jobs_unique ON "
              + JOBS
              + " (unique_key) WHERE unique_key IS NOT NULL"
              + " AND state IN ('SCHEDULED', 'QUEUED', 'RUNNING')",
          "CREATE INDEX semafor_jobs_group ON "
              + JOBS
              + " (group_id, group_index) WHERE group_id IS NOT NULL",
          "CREATE INDEX semafor_jobs_cancel ON "
              + JOBS
              + " (worker_id) WHERE state = 'RUNNING' AND cancel_requested = 1",
          "CREATE TABLE "
              + JobControl.RATE_STARTS
              + " (rate_key TEXT NOT NULL, started_at INTEGER NOT NULL,"
              + " expires_at INTEGER NOT NULL)",
          "CREATE INDEX semafor_rate_starts_key ON "
              + JobControl.RATE_STARTS
              + " (rate_key, started_at)",
          "CREATE INDEX semafor_rate_starts_expiry ON " + JobControl.RATE_STARTS + " (expires_at)",
          "CREATE TABLE "
              + JobControl.GROUPS
              + " (id TEXT PRIMARY KEY, size INTEGER NOT NULL, remaining INTEGER NOT NULL,"
              + " failed INTEGER NOT NULL, callback TEXT)",
          "CREATE TABLE "
              + JobControl.SCHEDULES
              + " (name TEXT PRIMARY KEY, cron TEXT NOT NULL, zone TEXT NOT NULL,"
              + " task TEXT NOT NULL, queue TEXT NOT NULL, last_tick INTEGER, next_tick INTEGER)");

  /** How often {@link #checkUsable} looks whether the file at the path is still the open one. */
  static final long IDENTITY_CHECK_NANOS = 1_000_000_000L;

  private static final dev.semafor.Json NAMES = dev.semafor.Json.defaults();

  /**
   * Version 5: leased is not started. {@code started} is 0 from a lease until the worker reports
   * the start ({@link dev.semafor.broker.Broker#markStarted}) or the attempt ends; jobs running
   * when the file is upgraded count as started. Workers record the tasks they can run.
   */
  private static final List<String> V5 =
      List.of(
          "ALTER TABLE " + JOBS + " ADD COLUMN started INTEGER NOT NULL DEFAULT 0",
          "UPDATE " + JOBS + " SET started = 1 WHERE state = 'RUNNING'",
          "ALTER TABLE " + WorkerRegistry.TABLE + " ADD COLUMN tasks TEXT");

  private final SqliteLocation location;

  /** The identity of the file the first writer opened (device and inode); null until then. */
  private volatile Object opened;

  private volatile long nextIdentityCheck;

  /** Once the file was found deleted or replaced, what became of it (a clause); for good. */
  private volatile String lost;

  /** Started with the first writer connection; guarded by {@code this}. */
  private SqliteCheckpointer checkpointer;

  SqliteDialect(SqliteLocation location) {
    this.location = location;
  }

  @Override
  public String describe() {
    return location.describe();
  }

  @Override
  public void checkBeforeOpen() {
    location.check(this);
  }

  /** Refuses a file that does not exist (for callers that must not create one). */
  void checkExists() {
    if (location.isFile() && !Files.exists(location.file())) {
      throw unusable(
          "the file does not exist (this command does not create one; check the path, or enqueue"
              + " a job or start a worker to create it)");
    }
  }

  @Override
  public void checkUsable() {
    String gone = lost;
    if (gone == null && opened != null) {
      long now = System.nanoTime();
      if (now - nextIdentityCheck >= 0) {
        nextIdentityCheck = now + IDENTITY_CHECK_NANOS;
        gone = location.changedSince(opened);
        if (gone != null) {
          lost = gone;
        }
      }
    }
    if (gone != null) {
      throw new BrokerFatalException(sentence(gone));
    }
  }

  @Override
  public Connection connect(Role role) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    Connection connection = config.createConnection(location.jdbcUrl());
    try (Statement st = connection.createStatement()) {
      if (location.isFile() && role == Role.WRITER) {
        try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
          String mode = rs.next() ? rs.getString(1) : "unknown";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw unusable("it cannot be switched to WAL mode (it stays in " + mode + " mode)");
          }
        }
        st.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
        st.execute("PRAGMA journal_size_limit=" + JOURNAL_SIZE_LIMIT);
      }
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("PRAGMA temp_store=MEMORY");
      st.execute("PRAGMA cache_size=-" + CACHE_KIB);
      if (location.isFile()) {
        st.execute("PRAGMA mmap_size=" + MMAP_BYTES);
      }
      if (role == Role.READER) {
        st.execute("PRAGMA query_only=1");
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    if (location.isFile() && role == Role.WRITER) {
      if (opened == null) {
        nextIdentityCheck = System.nanoTime();
        opened = location.fileKey();
      }
      try {
        startCheckpoints(config);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  private synchronized void startCheckpoints(SQLiteConfig config) throws SQLException {
    if (checkpointer == null) {
      Connection own = config.createConnection(location.jdbcUrl());
      checkpointer = new SqliteCheckpointer(own, describe()).start();
    }
  }

  @Override
  public int connections(Role role) {
    // An in-memory database lives in one connection: the reader is the writer.
    return role == Role.WRITER ? 1 : location.isFile() ? 1 : 0;
  }

  @Override
  public List<List<String>> migrations() {
    return List.of(V1, V2, V3, V4, V5);
  }

  @Override
  public String beginWrite() {
    return "BEGIN IMMEDIATE";
  }

  @Override
  public String lockCandidates(String select) {
    return select; // BEGIN IMMEDIATE already holds the file's one write lock
  }

  @Override
  public String inIds(String column) {
    return column + " IN (SELECT value FROM json_each(?))";
  }

  @Override
  public void bindIds(PreparedStatement statement, int index, long[] ids) throws SQLException {
    StringBuilder json = new StringBuilder(ids.length * 8 + 2).append('[');
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(ids[i]);
    }
    statement.setString(index, json.append(']').toString());
  }

  @Override
  public String inNames(String column) {
    return column + " IN (SELECT value FROM json_each(?))";
  }

  @Override
  public void bindNames(PreparedStatement statement, int index, java.util.Collection<String> names)
      throws SQLException {
    statement.setString(index, NAMES.write(List.copyOf(names)));
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return primaryCode(e) == SqliteCodes.CONSTRAINT;
  }

  @Override
  public BrokerUnavailableException unavailable(String doing, SQLException e) {
    int code = primaryCode(e);
    String problem =
        switch (code) {
          case SqliteCodes.BUSY, SqliteCodes.LOCKED ->
              "another process held its write lock for more than " + BUSY_TIMEOUT_MS / 1000 + " s";
          case SqliteCodes.READONLY -> "it is read-only";
          case SqliteCodes.CORRUPT -> "it is corrupt (" + reason(e) + ")";
          case SqliteCodes.NOTADB -> "it is not an SQLite database, or is corrupt";
          case SqliteCodes.FULL -> "the disk is full";
          case SqliteCodes.CANTOPEN -> "it cannot be opened (" + reason(e) + ")";
          case SqliteCodes.IOERR -> "an I/O error occurred (" + reason(e) + ")";
          case SqliteCodes.PERM -> "access to it is denied";
          default -> doing + " failed: " + reason(e);
        };
    return code == SqliteCodes.CORRUPT || code == SqliteCodes.NOTADB
        ? new BrokerFatalException(sentence(problem), e)
        : new BrokerUnavailableException(sentence(problem), e);
  }

  @Override
  public BrokerUnavailableException unusable(String problem) {
    return new BrokerUnavailableException(sentence(problem));
  }

  /** Unix-domain sockets beside the file wake workers in every process ({@link SqliteWakeUps}). */
  @Override
  public WorkSignal workSignal() {
    return new SqliteWakeUps(location);
  }

  @Override
  public synchronized void close() {
    if (checkpointer != null) {
      checkpointer.close();
      checkpointer = null;
    }
  }

  private String sentence(String problem) {
    return "cannot use SQLite broker " + location.name() + ": " + problem;
  }

  static int primaryCode(SQLException e) {
    return e.getErrorCode() & 0xFF;
  }

  /** SQLite's own words, without the driver's "[SQLITE_X] ..." preamble. */
  private static String reason(SQLException e) {
    String message = String.valueOf(e.getMessage());
    int open = message.lastIndexOf('(');
    int close = message.lastIndexOf(')');
    return open >= 0 && close > open ? message.substring(open + 1, close) : message;
  }

  /** Primary result codes (https://sqlite.org/rescode.html). */
  static final class SqliteCodes {
    static final int PERM = 3;
    static final int BUSY = 5;
    static final int LOCKED = 6;
    static final int READONLY = 8;
    static final int IOERR = 10;
    static final int CORRUPT = 11;
    static final int FULL = 13;
    static final int CANTOPEN = 14;
    static final int CONSTRAINT = 19;
    static final int NOTADB = 26;

    private SqliteCodes() {}
  }
}
