package dev.semafor.jdbc;

import dev.semafor.BrokerUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

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
   * Makes a candidate-selecting query lock what it selects against other writers, or returns it as
   * is where the write transaction already excludes them ({@code ... FOR UPDATE SKIP LOCKED} on
   * PostgreSQL; unchanged on SQLite, whose {@code BEGIN IMMEDIATE} holds the one write lock).
   */
  String lockCandidates(String select);

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
   * dev.semafor.broker.Broker#awaitWork}); called once, when the broker opens. The default wakes no
   * one: workers poll.
   */
  default WorkSignal workSignal() {
    return WorkSignal.polling();
  }

  /** Releases anything the dialect holds beyond the connections (a pool, a lock file). */
  @Override
  void close();

  /** What a connection is used for. */
  enum Role {
    /** Every change, inside write transactions. */
    WRITER,
    /** Reads: get, query, stats. */
    READER
  }
}
