package dev.semafor.jdbc;

import dev.semafor.BrokerUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * What differs between databases under one {@link JdbcBroker}: how connections are opened and how
 * many serve each role, the schema's DDL, how a write transaction begins, how candidate rows are
 * locked, how a list of row ids is bound, and what an error means. Everything else (every query,
 * every state change) is the broker's and is shared.
 *
 * <p>A dialect is also where the database is: it names the file or server in {@link #describe()}
 * and in every error it builds.
 */
interface Dialect extends AutoCloseable {

  /** The broker URL without credentials, such as {@code sqlite:/srv/semafor.db}. */
  String describe();

  /**
   * Checks what can be checked before connecting (a file's folder, its permissions, its header);
   * throws {@link BrokerUnavailableException} naming the problem.
   */
  void checkBeforeOpen();

  /**
   * Throws {@link dev.semafor.BrokerFatalException} if the database opened can no longer be used,
   * such as an SQLite file deleted or replaced while open. Called before every read and write, so
   * it must be cheap: a dialect checks what costs a system call at most now and then.
   */
  default void checkUsable() {}

  /** Opens a connection for {@code role}, configured and in auto-commit mode. */
  Connection connect(Role role) throws SQLException;

  /**
   * A pool that lends a connection per transaction, or null when the broker keeps {@link
   * #connections} connections of its own open for its life (SQLite). With a pool, connections are
   * borrowed per call, so one lost with its server is replaced by the pool, not by the broker.
   */
  default DataSource pool() {
    return null;
  }

  /** How many connections serve {@code role}; 0 readers means reads share the writers. */
  int connections(Role role);

  /**
   * The schema as steps: step {@code i} (0-based) takes the schema from version {@code i} to {@code
   * i + 1}. The current version is the list's size. Steps are never edited once released.
   */
  List<List<String>> migrations();

  /** The statement that begins a write transaction ({@code BEGIN IMMEDIATE} on SQLite). */
  String beginWrite();

  /**
   * Whether one prepared statement may hold several SQL statements, separated by {@code ;}, which
   * the driver sends together and whose results come back in order: one round trip where there
   * would be several. False by default.
   */
  default boolean runsStatementsTogether() {
    return false;
  }

  /**
   * A statement that stores one job ({@link JobRows#INSERT}'s parameters) and, when the parameter
   * after them is true, announces new work on the job's queue to waiting workers, both in one
   * statement that commits by itself; or null (the default) when the dialect has none and an
   * enqueue is a write transaction like any other.
   */
  default String insertOneAndAnnounce() {
    return null;
  }

  /**
   * Whether the common lease may run as one statement ({@link LeaseAtOnce}): a {@code WITH} whose
   * parts update rows and lock candidates. False by default.
   */
  default boolean leasesAtOnce() {
    return false;
  }

  /**
   * How the broker's write transactions begin and commit: by default {@link #beginWrite()} and
   * {@code COMMIT}, each a statement of its own.
   */
  default WriteTransactions transactions() {
    return WriteTransactions.statements(beginWrite());
  }

  /**
   * Statements run right after {@link #beginWrite()} in the transaction that creates or upgrades
   * the schema, before the version is read: on PostgreSQL an advisory lock that makes concurrent
   * openers take turns, and the creation of the schema (namespace); none on SQLite, whose write
   * transaction already excludes other writers.
   */
  default List<String> beforeMigration() {
    return List.of();
  }

  /**
   * Makes a select of one row by id lock that row until the transaction ends ({@code ... FOR
   * UPDATE} on PostgreSQL), so a check and the change that follows cannot interleave with another
   * writer's; unchanged on SQLite.
   */
  String lockRow(String select);

  /**
   * Takes, without waiting, a lock on {@code key} held until the transaction ends; true if taken.
   * Concurrency and rate limits are counted under it, so two leasers never both see the last free
   * slot. A key locked by another transaction is reported false (its jobs wait for a later lease)
   * rather than waited for, so leasers never deadlock. Always true on SQLite (one writer).
   */
  boolean tryLockKey(Session s, String key) throws SQLException;

  /**
   * Takes a lock on {@code key} held until the transaction ends, waiting for it if another
   * transaction holds it: the same lock as {@link #tryLockKey}. For writes that must not interleave
   * with a lease's count of the key (giving a rate start back); callers that take several take them
   * in sorted order. A no-op on SQLite (one writer).
   */
  void lockKey(Session s, String key) throws SQLException;

  /** The name of the SQL function that builds a JSON array from its arguments. */
  String jsonArray();

  /**
   * A query returning the server's time in epoch milliseconds, or null if the broker reads the
   * clock it was given (SQLite: every caller shares the machine's clock).
   */
  default String serverMillis() {
    return null;
  }

  /**
   * Makes a candidate-selecting query lock what it selects against other writers, or returns it as
   * is where the write transaction already excludes them ({@code ... FOR UPDATE SKIP LOCKED} on
   * PostgreSQL; unchanged on SQLite, whose {@code BEGIN IMMEDIATE} holds the one write lock).
   */
  String lockCandidates(String select);

  /**
   * Whether a lease first looks, on a reader, for anything to lease before it begins its write
   * transaction: worth it where a write transaction is costly to begin for nothing (SQLite's one
   * write lock, shared by processes); not where an empty lease is as cheap as the look.
   */
  default boolean looksBeforeLease() {
    return true;
  }

  /**
   * A statement that completes many leases at once, or null to complete them one statement each in
   * a JDBC batch. Its parameters: the finish time, then the batch as {@link #completions} binds it;
   * it returns the row ids it completed.
   */
  default String completeAll() {
    return null;
  }

  /**
   * The batch of a {@link #completeAll} statement, to bind after its first parameter: by default
   * arrays of row ids, job ids, tokens and results (bound with {@link #bindIds} and {@link
   * #bindTexts} when the statement runs). A dialect that binds the batch as one value builds that
   * value here, which the broker calls before its write transaction: outside the writer's lock.
   */
  default Binding completions(long[] rids, String[] ids, String[] tokens, String[] results) {
    return (statement, index) -> {
      bindIds(statement, index, rids);
      bindTexts(statement, index + 1, ids);
      bindTexts(statement, index + 2, tokens);
      bindTexts(statement, index + 3, results);
    };
  }

  /**
   * A statement that completes many leases that share one result, or null. Its parameters: the
   * result, the finish time, then the leases as {@link #sameResult} binds them (their row ids, and
   * their tokens each paired with its job id: a row matches when its row id is listed and its token
   * and job id are listed as a pair). It returns nothing: its update count says how many leases it
   * completed, and the caller completes them one by one instead unless that is all of them. Where
   * there is one, it replaces {@link #completeAll}: most tasks of a batch return the same result
   * (none).
   */
  default String completeSame() {
    return null;
  }

  /** The leases of a {@link #completeSame} statement, to bind after its first two parameters. */
  default Binding sameResult(long[] rids, String[] tokens, String[] ids) {
    throw new UnsupportedOperationException("no completeSame statement");
  }

  /**
   * Whether a lease's write transaction returns nothing, and the leased records are read after its
   * commit, on a reader that keeps those under the lease's token ({@link Leasing}): worth it where
   * the one writer is the bound and a reader runs beside it (SQLite), so that reading two dozen
   * columns a job does not hold the write lock; not where the read would cost a round trip of its
   * own. False by default.
   */
  default boolean readsLeasedAfterCommit() {
    return false;
  }

  /**
   * A statement that extends many leases at once, or null for one statement each. Its parameters:
   * the new expiry, then arrays of row ids, job ids and tokens; it returns the row id and {@code
   * cancel_requested} of each lease it extended.
   */
  default String heartbeatAll() {
    return null;
  }

  /** Binds {@code texts} as one array parameter (for {@link #completeAll}). */
  default void bindTexts(PreparedStatement statement, int index, String[] texts)
      throws SQLException {
    throw new UnsupportedOperationException("no array parameters");
  }

  /** A predicate true when {@code column} is in the id list bound by {@link #bindIds}. */
  String inIds(String column);

  /** Binds {@code ids} to the placeholder of {@link #inIds}. */
  void bindIds(PreparedStatement statement, int index, long[] ids) throws SQLException;

  /** A predicate true when text {@code column} is in the name list bound by {@link #bindNames}. */
  String inNames(String column);

  /** Binds {@code names} to the placeholder of {@link #inNames}. */
  void bindNames(PreparedStatement statement, int index, java.util.Collection<String> names)
      throws SQLException;

  /** True if {@code e} is a unique-constraint violation. */
  boolean isUniqueViolation(SQLException e);

  /**
   * Turns a database error into one clear sentence naming the database and the problem; {@code
   * doing} says what the broker was doing ("lease", "open").
   */
  BrokerUnavailableException unavailable(String doing, SQLException e);

  /** An error saying the database cannot be used because of {@code problem} (a clause). */
  BrokerUnavailableException unusable(String problem);

  /**
   * How this broker handle's idle workers are woken when work arrives ({@link
   * dev.semafor.spi.Broker#awaitWork}); called once, when the broker opens, and closed with the
   * broker. The default wakes no one: workers poll.
   */
  default WorkSignal workSignal() {
    return WorkSignal.polling();
  }

  /** Releases anything the dialect holds beyond the connections (a pool, a lock file). */
  @Override
  void close();

  /** Parameters bound from {@code index} on, built before the statement runs. */
  @FunctionalInterface
  interface Binding {
    void bind(PreparedStatement statement, int index) throws SQLException;
  }

  /** What a connection is used for. */
  enum Role {
    /** Every change, inside write transactions. */
    WRITER,
    /** Reads: get, query, stats. */
    READER
  }
}
