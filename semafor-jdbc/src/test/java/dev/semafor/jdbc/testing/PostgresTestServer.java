package dev.semafor.jdbc.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the tests use ({@code $SEMAFOR_TEST_POSTGRES}, default {@code
 * postgres://postgres@127.0.0.1:5432/test}) and the schemas they make on it. Outside CI a test
 * whose server is absent is skipped with a message saying so; with {@code CI=true} it fails.
 *
 * <p>Every test class takes a prefix with a random suffix ({@link #prefix}); its schemas are named
 * after it and dropped together when the class ends ({@link #dropSchemas}), so classes running at
 * the same time on the same server never meet. Public for other modules' tests (semafor-jdbc's
 * test-jar).
 */
public final class PostgresTestServer {
  public static final String BASE =
      System.getenv()
          .getOrDefault("SEMAFOR_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test");

  private PostgresTestServer() {}

  /** Skips the calling test (fails it under CI) if the server cannot be reached. */
  public static void assumeAvailable() {
    try (Connection c = connect()) {
      c.isValid(2);
    } catch (SQLException e) {
      String message =
          "PostgreSQL is not reachable at " + BASE + " (" + e.getMessage() + "); test skipped";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message.replace("test skipped", "CI=true, so this fails"));
      }
      Assumptions.abort(message);
    }
  }

  /** A schema prefix for one test class: its name and a random suffix. */
  public static String prefix(Class<?> testClass) {
    String name = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    name = name.substring(0, Math.min(name.length(), 24));
    return "t_" + name + "_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
  }

  /** The broker URL for {@code schema}, with {@code extra} parameters ("pool=2") if any. */
  public static String url(String schema, String... extra) {
    StringBuilder url = new StringBuilder(BASE).append("?schema=").append(schema);
    for (String e : extra) {
      url.append('&').append(e);
    }
    return url.toString();
  }

  /** Drops every schema whose name starts with {@code prefix}, with all it holds. */
  public static void dropSchemas(String prefix) {
    try (Connection c = connect()) {
      List<String> names = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?) ORDER BY 1")) {
        ps.setString(1, prefix);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      try (Statement st = c.createStatement()) {
        for (String name : names) {
          st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the test schemas " + prefix + "*", e);
    }
  }

  /** A plain JDBC connection to the test database (for set-up, checks and clean-up). */
  public static Connection connect() throws SQLException {
    // BASE is postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE
    URI base = URI.create(BASE);
    String[] user = String.valueOf(base.getUserInfo()).split(":", 2);
    int port = base.getPort() < 0 ? 5432 : base.getPort();
    return DriverManager.getConnection(
        "jdbc:postgresql://" + base.getHost() + ":" + port + base.getPath(),
        user[0],
        user.length > 1 ? user[1] : null);
  }
}
