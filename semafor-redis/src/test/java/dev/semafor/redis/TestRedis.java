package dev.semafor.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;

/**
 * The Redis server the tests use (127.0.0.1:6379, shared with other tests running at the same
 * time): each test class works under its own random key prefix and deletes its keys after.
 */
final class TestRedis {
  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;

  private TestRedis() {}

  /**
   * Skips the calling test class when no Redis listens on 127.0.0.1:6379 — unless {@code CI=true},
   * where an absent server is a failure.
   */
  static void assumeAvailable() {
    boolean up = listening(PORT);
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but no Redis listens on " + HOST + ":" + PORT);
    }
    assumeTrue(up, "Redis is not running on " + HOST + ":" + PORT + "; Redis tests skipped");
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A random prefix for one test class. */
  static String newPrefix(String what) {
    return "t-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String url(String prefix) {
    return url(PORT, prefix);
  }

  static String url(int port, String prefix) {
    return "redis://" + HOST + ":" + port + "/0?prefix=" + prefix;
  }

  /** A job of {@code task} due now on the default queue, as a client would enqueue it. */
  static dev.semafor.spi.JobRecord.Builder job(String task) {
    java.time.Instant now = java.time.Instant.now();
    return dev.semafor.spi.JobRecord.builder()
        .id(dev.semafor.JobIds.next(now))
        .task(task)
        .state(dev.semafor.JobState.QUEUED)
        .input("{}")
        .runAt(now)
        .enqueuedAt(now);
  }

  /** Deletes every key whose prefix tag starts with {@code prefix} (SCAN + UNLINK). */
  static void deleteKeys(String prefix) {
    if (!listening(PORT)) {
      return;
    }
    RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT + "/0");
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      ScanArgs match = ScanArgs.Builder.matches("{" + prefix + "*").limit(1000);
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
}
