package dev.semafor.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.semafor.broker.BrokerProvider;
import java.util.ServiceLoader;

/** Tests that need a broker shared across commands or processes use a temporary SQLite file. */
final class Sqlite {
  private Sqlite() {}

  /**
   * Skips the calling test, with a message, while the SQLite broker is not on the classpath.
   * TODO(lead): remove once semafor-jdbc's SQLite provider is on main; the tests must then run.
   */
  static void assumeAvailable() {
    boolean found =
        ServiceLoader.load(BrokerProvider.class).stream()
            .anyMatch(p -> p.get().schemes().contains("sqlite"));
    assumeTrue(found, "the sqlite: broker is not on the classpath yet (semafor-jdbc)");
  }
}
