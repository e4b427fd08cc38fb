package dev.semafor.redis;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own random key prefix on the shared Redis: the class is skipped if Redis is absent
 * (failed with {@code CI=true}), each {@link #nextUrl} names a fresh, empty prefix under it, and
 * every key under it is deleted after the class.
 *
 * <pre>{@code @RegisterExtension static final RedisPrefix redis = new RedisPrefix("tck");}</pre>
 */
final class RedisPrefix implements BeforeAllCallback, AfterAllCallback {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  RedisPrefix(String what) {
    this.prefix = TestRedis.newPrefix(what);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    TestRedis.assumeAvailable();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestRedis.deleteKeys(prefix);
  }

  /** The URL of a new prefix of this class's. */
  String nextUrl() {
    return TestRedis.url(prefix + "-" + next.incrementAndGet());
  }
}
