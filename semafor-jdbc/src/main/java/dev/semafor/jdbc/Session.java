package dev.semafor.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection and the statements prepared on it, kept for reuse: the broker's hot paths run the
 * same few statements thousands of times a second, and preparing each time would cost more than
 * running them. Used by one thread at a time (its {@link SessionPool} sees to that); every result
 * set opened on a cached statement must be closed before the statement is used again.
 */
final class Session implements AutoCloseable {
  private final Connection connection;

  /** Prepared statements by SQL text. Confined to the thread holding this session. */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  Session(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** The statement for {@code sql}, prepared on first use and kept. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** Runs a statement that takes no parameters and returns no rows. */
  void execute(String sql) throws SQLException {
    prepare(sql).execute();
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
    connection.close();
    if (first != null) {
      throw first;
    }
  }
}
