package dev.semafor.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Creates the schema on first use and upgrades it in place. The version lives in {@code
 * semafor_meta} (key {@code schema_version}); the dialect lists the steps between versions. The
 * check and every step run in one write transaction, so two processes opening a new file at once
 * create the schema once, and an upgrade that fails leaves the old schema as it was.
 */
final class Schema {
  static final String META = "semafor_meta";
  private static final String VERSION_KEY = "schema_version";

  private Schema() {}

  /** Brings the schema to the dialect's current version; returns the version found before. */
  static int migrate(Session session, Dialect dialect) throws SQLException {
    return migrate(session, dialect, dialect.migrations().size());
  }

  /** Brings the schema to {@code target} (tests build older files with this). */
  static int migrate(Session session, Dialect dialect, int target) throws SQLException {
    List<List<String>> steps = dialect.migrations();
    session.execute(dialect.beginWrite());
    try {
      for (String sql : dialect.beforeMigration()) {
        session.execute(sql);
      }
      int found = version(session, dialect);
      if (found > steps.size()) {
        throw dialect.unusable(
            "it was written by a newer Semafor (schema version "
                + found
                + "; this one knows versions up to "
                + steps.size()
                + ")");
      }
      for (int v = found; v < target; v++) {
        for (String ddl : steps.get(v)) {
          try (var statement = session.connection().createStatement()) {
            statement.execute(ddl);
          }
        }
      }
      if (target > found) {
        store(session, target, found == 0);
      }
      session.execute("COMMIT");
      return found;
    } catch (RuntimeException | SQLException | Error e) {
      rollbackQuietly(session);
      throw e;
    }
  }

  /** The stored version, or 0 if the schema has not been created. */
  private static int version(Session session, Dialect dialect) throws SQLException {
    if (!hasMetaTable(session)) {
      return 0;
    }
    PreparedStatement ps = session.prepare("SELECT value FROM " + META + " WHERE key = ?");
    ps.setString(1, VERSION_KEY);
    try (ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        try {
          return Integer.parseInt(rs.getString(1).trim());
        } catch (NumberFormatException e) {
          throw dialect.unusable(
              "its " + META + " table holds a schema_version that is not a number");
        }
      }
    }
    throw dialect.unusable("its " + META + " table has no schema_version");
  }

  private static boolean hasMetaTable(Session session) throws SQLException {
    DatabaseMetaData meta = session.connection().getMetaData();
    String schema = session.connection().getSchema(); // PostgreSQL: this broker's own schema
    try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        if (META.equals(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return false;
  }

  private static void store(Session session, int version, boolean insert) throws SQLException {
    String sql =
        insert
            ? "INSERT INTO " + META + " (value, key) VALUES (?, ?)"
            : "UPDATE " + META + " SET value = ? WHERE key = ?";
    PreparedStatement ps = session.prepare(sql);
    ps.setString(1, Integer.toString(version));
    ps.setString(2, VERSION_KEY);
    ps.executeUpdate();
  }

  static void rollbackQuietly(Session session) {
    try {
      session.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction was active (BEGIN itself failed), or the connection is gone
    }
  }
}
