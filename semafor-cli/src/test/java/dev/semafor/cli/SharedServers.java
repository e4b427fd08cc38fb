package dev.semafor.cli;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL (127.0.0.1:5432, database {@code test}) and Redis (127.0.0.1:6379) servers the
 * command's tests share with every other test on the machine. Each test takes a schema or key
 * prefix of its own ({@link #name}) and removes it after. An absent server skips the test with a
 * message saying so; with {@code CI=true} it fails it, so CI never passes by testing nothing.
 */
final class SharedServers {
  static final String POSTGRES = "postgres://postgres@127.0.0.1:5432/test";
  private static final String POSTGRES_JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String REDIS_HOST = "127.0.0.1";
  private static final int REDIS_PORT = 6379;

  private SharedServers() {}

  /** A schema or key prefix for one test: its class's name and a random suffix. */
  static String name(Class<?> testClass) {
    String name = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    name = name.substring(0, Math.min(name.length(), 24));
    return "t_" + name + "_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
  }

  static void assumePostgres() {
    try (Connection c = postgres()) {
      c.isValid(2);
    } catch (SQLException e) {
      unavailable("PostgreSQL is not reachable at " + POSTGRES + " (" + e.getMessage() + ")");
    }
  }

  static String postgresUrl(String schema) {
    return POSTGRES + "?schema=" + schema;
  }

  /** Drops {@code schema} and all it holds (a schema this test made: see {@link #name}). */
  static void dropSchema(String schema) throws SQLException {
    try (Connection c = postgres();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  static void assumeRedis() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(REDIS_HOST, REDIS_PORT), 500);
    } catch (IOException e) {
      unavailable("Redis is not reachable at " + REDIS_HOST + ":" + REDIS_PORT);
    }
  }

  static String redisUrl(String prefix) {
    return "redis://" + REDIS_HOST + ":" + REDIS_PORT + "/0?prefix=" + prefix;
  }

  /** Deletes every key of the broker with {@code prefix}: they all start with {@code {prefix}:}. */
  static void deleteRedisKeys(String prefix) {
    RedisClient client = RedisClient.create("redis://" + REDIS_HOST + ":" + REDIS_PORT + "/0");
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      ScanArgs match = ScanArgs.Builder.matches("{" + prefix + "}:*").limit(1000);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, match);
        if (!page.getKeys().isEmpty()) {
          r.unlink(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown();
    }
  }

  private static Connection postgres() throws SQLException {
    return DriverManager.getConnection(POSTGRES_JDBC, "postgres", "");
  }

  private static void unavailable(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(why + "; CI=true, so this fails");
    }
    Assumptions.abort(why + "; test skipped");
  }
}
