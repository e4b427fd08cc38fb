package dev.semafor.jdbc;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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

  private static final List<List<String>> STEPS =
      SchemaSteps.all(new SchemaSteps.Types("INTEGER PRIMARY KEY", "INTEGER", "INTEGER", "REAL"));

  /** How often {@link #checkUsable} looks whether the file at the path is still the open one. */
  static final long IDENTITY_CHECK_NANOS = 1_000_000_000L;

  private static final dev.semafor.Json NAMES = dev.semafor.Json.defaults();

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

  /**
   * Refuses a file that does not exist (for callers that must not create one). A mistyped path is
   * the caller's to fix, not a broker that may come back: a plain {@link
   * dev.semafor.SemaforException} (the command line's exit code 2), not {@link
   * BrokerUnavailableException} (3).
   */
  void checkExists() {
    if (location.isFile() && !Files.exists(location.file())) {
      throw new dev.semafor.SemaforException(
          sentence(
              "the file does not exist (this command does not create one; check the path, or"
                  + " enqueue a job or start a worker to create it)"));
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
    return STEPS;
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
  public String lockRow(String select) {
    return select; // BEGIN IMMEDIATE already holds the file's one write lock
  }

  @Override
  public boolean tryLockKey(Session s, String key) {
    return true; // the one writer counts alone
  }

  @Override
  public void lockKey(Session s, String key) {
    // the one writer holds the file's write lock already
  }

  @Override
  public String jsonArray() {
    return "json_array";
  }

  /**
   * Completes the leases of a batch that share one result in one statement: the row ids are one
   * JSON array, each token with its job id (joined by a tab, which no token holds) another ({@link
   * #sameResult}). One statement instead of one per job: the work of binding, stepping and
   * resetting a statement is paid once per batch. It returns nothing (its update count is the
   * check): a {@code RETURNING} clause makes SQLite load every column of each old row, a third of
   * the statement's work.
   */
  private static final String COMPLETE_SAME =
      "UPDATE "
          + JobRows.TABLE
          + " SET state = 'SUCCEEDED', result = ?, finished_at = ?, lease_expires_at = NULL,"
          + " lease_token = NULL, progress = 1.0, started = 1"
          + " WHERE rid IN (SELECT value FROM json_each(?)) AND state = 'RUNNING'"
          + " AND lease_token || char(9) || id IN (SELECT value FROM json_each(?))";

  @Override
  public String completeSame() {
    return COMPLETE_SAME;
  }

  /**
   * The row ids and the token–job id pairs of {@link #COMPLETE_SAME}, as JSON built by the caller's
   * thread.
   */
  @Override
  public Binding sameResult(long[] rids, String[] tokens, String[] jobIds) {
    StringBuilder ids = new StringBuilder(rids.length * 8).append('[');
    StringBuilder texts = new StringBuilder(tokens.length * 52).append('[');
    for (int i = 0; i < rids.length; i++) {
      if (i > 0) {
        ids.append(',');
        texts.append(',');
      }
      ids.append(rids[i]);
      appendPair(texts, tokens[i], jobIds[i]);
    }
    String ridList = ids.append(']').toString();
    String tokenList = texts.append(']').toString();
    return (statement, index) -> {
      statement.setString(index, ridList);
      statement.setString(index + 1, tokenList);
    };
  }

  /**
   * Appends a token and its job id as one JSON string, paired by a tab ({@link #COMPLETE_SAME}).
   */
  private static void appendPair(StringBuilder texts, String token, String jobId) {
    texts.append('"');
    JSON_STRINGS.quoteAsString(token, texts);
    texts.append("\\t"); // the tab of COMPLETE_SAME's char(9), escaped in JSON
    JSON_STRINGS.quoteAsString(jobId, texts);
    texts.append('"');
  }

  private static final JsonStringEncoder JSON_STRINGS = JsonStringEncoder.getInstance();

  /** The one writer is the bound: a lease's records are read beside it, after its commit. */
  @Override
  public boolean readsLeasedAfterCommit() {
    return true;
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
