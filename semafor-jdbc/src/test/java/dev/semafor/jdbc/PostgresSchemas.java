package dev.semafor.jdbc;

import dev.semafor.jdbc.testing.PostgresTestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The schemas of one PostgreSQL test class, as a JUnit extension: before the class it checks the
 * server ({@link PostgresTestServer#assumeAvailable}); each {@link #newUrl} names a new schema
 * under the class's random prefix; after the class every one of them is dropped.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresSchemas schemas = new PostgresSchemas(MyTest.class);
 * }</pre>
 */
final class PostgresSchemas implements BeforeAllCallback, AfterAllCallback {
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  PostgresSchemas(Class<?> testClass) {
    this.prefix = PostgresTestServer.prefix(testClass);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    PostgresTestServer.assumeAvailable();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getParent().flatMap(ExtensionContext::getParent).isEmpty()) {
      PostgresTestServer.dropSchemas(prefix); // the outermost class only, not each nested one
    }
  }

  /** A new schema's name. */
  String newSchema() {
    return prefix + "_" + count.incrementAndGet();
  }

  /** The broker URL of a new schema, with {@code extra} parameters ("pool=2") if any. */
  String newUrl(String... extra) {
    return PostgresTestServer.url(newSchema(), extra);
  }
}
