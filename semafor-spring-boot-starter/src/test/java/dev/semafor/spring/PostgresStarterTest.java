package dev.semafor.spring;

import dev.semafor.jdbc.testing.PostgresTestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.condition.EnabledIf;
import org.opentest4j.TestAbortedException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter on PostgreSQL (the shared server, {@link PostgresTestServer}: {@code
 * $SEMAFOR_TEST_POSTGRES}, default 127.0.0.1:5432, db {@code test}): the same cases as on SQLite,
 * each application in a schema of its own under this class's random prefix. Skipped when the server
 * cannot be reached; with {@code CI=true} it fails instead.
 *
 * <p>The schemas are dropped only after the class's application has closed (see {@link
 * SemaforStarterContract}).
 */
@EnabledIf(
    value = "postgresIsUp",
    disabledReason = "PostgreSQL is not reachable ($SEMAFOR_TEST_POSTGRES, default 127.0.0.1:5432)")
class PostgresStarterTest extends SemaforStarterContract {
  private static final String PREFIX = PostgresTestServer.prefix(PostgresStarterTest.class);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  /** The class's application's schema: one, however often Spring reads the property. */
  private static final String APP_URL = newUrl();

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    registry.add("semafor.broker", () -> APP_URL);
  }

  @Override
  String newBrokerUrl() {
    return newUrl();
  }

  private static String newUrl() {
    return PostgresTestServer.url(PREFIX + "_" + SCHEMAS.incrementAndGet());
  }

  @Override
  void deleteBrokerStores() {
    PostgresTestServer.dropSchemas(PREFIX);
  }

  /** False (the class is skipped) if the server cannot be reached; under CI=true, fails. */
  static boolean postgresIsUp() {
    try {
      PostgresTestServer.assumeAvailable();
      return true;
    } catch (TestAbortedException e) {
      System.err.println(e.getMessage());
      return false;
    }
  }
}
