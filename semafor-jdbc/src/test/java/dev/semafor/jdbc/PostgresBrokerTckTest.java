package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.BrokerContract;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole Broker contract (TCK) on the PostgreSQL broker: each case in a new schema, all dropped
 * after.
 */
class PostgresBrokerTckTest extends BrokerContract {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresBrokerTckTest.class);

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(schemas.newUrl("pool=2"), clock);
  }
}
