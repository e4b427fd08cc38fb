package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.JobControlContract;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job-control contract on the PostgreSQL broker: each case in a new schema, all dropped after.
 */
class PostgresJobControlTest extends JobControlContract {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresJobControlTest.class);

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(schemas.newUrl("pool=2"), clock);
  }
}
