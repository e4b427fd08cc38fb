package dev.semafor.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection and the statements prepared on it, kept for reuse: the broker's hot paths run the
 * same few statements thousands of times a second, and preparing each time would cost more than
 * running them. Used by one thread at a time (its {@link SessionPool} sees to that, which also
 * publishes the fields from one holder to the next); every result set opened on a cached statement
 * must be closed before the statement is used again.
 *
 * <p>After a failure the writer {@link #forgetStatements() forgets} its statements (a statement
 * that failed half-way, say in a batch on a full disk, is not reliably reusable) and, if the
 * connection is stuck in a transaction that will not roll back, {@link #reconnect() replaces} the
 * connection.
 */
final class Session implements AutoCloseable {
  /** Opens a connection like the one a session started with. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;

  /** Null after a {@link #reconnect} that failed: the next {@link #prepare} tries again. */
  private Connection connection;

  /** Prepared statements by SQL text. Confined to the thread holding this session. */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** Queues with new work to announce when the open transaction commits; confined likewise. */
  private final List<String> announcements = new ArrayList<>();

  /** A session on {@code connection} that cannot {@link #reconnect}. */
  Session(Connection connection) {
    this(connection, null);
  }

  private Session(Connection connection, Connector connector) {
    this.connection = connection;
    this.connector = connector;
  }

  /** A session on a new connection of {@code role}, which reconnects the same way. */
  static Session open(Dialect dialect, Dialect.Role role) throws SQLException {
    return new Session(dialect.connect(role), () -> dialect.connect(role));
  }

  Connection connection() throws SQLException {
    if (connection == null) {
      connect();
    }
    return connection;
  }

  /** The statement for {@code sql}, prepared on first use and kept. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection().prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** Runs a statement that takes no parameters and returns no rows. */
  void execute(String sql) throws SQLException {
    prepare(sql).execute();
  }

  /**
   * Asks for {@code queues} to be announced as having new work when the open transaction commits
   * ({@link WriteTransactions#commit}, which sends them with the {@code COMMIT}): a {@link
   * WorkSignal} that the database delivers only with the commit.
   */
  void announce(Collection<String> queues) {
    announcements.addAll(queues);
  }

  /** What the open transaction is to announce so far, oldest first (a view). */
  List<String> announcements() {
    return Collections.unmodifiableList(announcements);
  }

  /** Forgets the announcements after the first {@code kept} (a rolled-back part's). */
  void forgetAnnouncementsAfter(int kept) {
    announcements.subList(kept, announcements.size()).clear();
  }

  /** Forgets every announcement: sent with a commit, or undone with a rollback. */
  void forgetAnnouncements() {
    announcements.clear();
  }

  /** Closes every cached statement, ignoring their errors; they are prepared again when needed. */
  void forgetStatements() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // being thrown away
      }
    }
    statements.clear();
  }

  /**
   * Replaces the connection with a new one. If opening it fails, the session has none until {@link
   * #prepare} opens one.
   */
  void reconnect() throws SQLException {
    forgetStatements();
    Connection old = connection;
    connection = null;
    if (old != null) {
      try {
        old.close();
      } catch (SQLException ignored) {
        // it is being replaced because it is broken
      }
    }
    connect();
  }

  private void connect() throws SQLException {
    if (connector == null) {
      throw new SQLException("this session cannot reconnect");
    }
    connection = connector.connect();
  }

  /** Closes the statements, then the connection. */
  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    statements.clear();
    if (connection != null) {
      connection.close();
    }
    if (first != null) {
      throw first;
    }
  }
}
