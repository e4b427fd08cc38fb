package dev.semafor.cli;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code semafor chaos} on the PostgreSQL server (127.0.0.1:5432), in a schema of its own that is
 * dropped after: worker processes SIGKILLed while they drain, no job lost, duplicates within the
 * bound. Skipped with a message when the server is absent (a failure with {@code CI=true}).
 */
class PostgresChaosCommandTest {
  private final String schema = SharedServers.name(PostgresChaosCommandTest.class);

  @BeforeEach
  void server() {
    SharedServers.assumePostgres();
  }

  @AfterEach
  void dropSchema() throws SQLException {
    SharedServers.dropSchema(schema);
  }

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void killedWorkersLoseNoJobAndDuplicateOnlyWhatTheyHeld() {
    ChaosCommandTest.assertGuaranteeHeld(
        ChaosCommandTest.shortRun(SharedServers.postgresUrl(schema)));
  }
}
