package dev.semafor.spring;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter on PostgreSQL (the real server at 127.0.0.1:5432, db {@code test}): the same cases as
 * on SQLite, each application in a schema of its own under this class's random prefix, every one
 * dropped after the class. Skipped with a message when the server is absent; with {@code CI=true}
 * it fails instead.
 */
class PostgresStarterTest extends SemaforStarterContract {
  private static final String BASE =
      System.getenv()
          .getOrDefault("SEMAFOR_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test");
  private static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String PREFIX =
      "t_starter_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    assumeServer();
    String url = newUrl();
    registry.add("semafor.broker", () -> url);
  }

  @Override
  String newBrokerUrl() {
    return newUrl();
  }

  private static String newUrl() {
    return BASE + "?schema=" + PREFIX + "_" + SCHEMAS.incrementAndGet();
  }

  private static void assumeServer() {
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "")) {
      c.isValid(2);
    } catch (SQLException e) {
      String message = "PostgreSQL is not reachable at " + BASE + " (" + e.getMessage() + ")";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + "; CI=true, so this fails");
      }
      Assumptions.abort(message + "; test skipped");
    }
  }

  @AfterAll
  static void dropSchemas() throws SQLException {
    try (Connection c = DriverManager.getConnection(JDBC, "postgres", "");
        Statement s = c.createStatement()) {
      for (int i = 1; i <= SCHEMAS.get(); i++) {
        s.execute(
            "DROP SCHEMA IF EXISTS " + (PREFIX + "_" + i).toLowerCase(Locale.ROOT) + " CASCADE");
      }
    }
  }
}
