package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerProvider;
import dev.semafor.spi.BrokerUrl;
import java.time.InstantSource;
import java.util.Set;

/**
 * Opens {@code postgres://user[:password]@host[:port]/database?schema=NAME&pool=N} brokers (also
 * spelled {@code postgresql://}). The schema and its tables are created on first use.
 */
public final class PostgresBrokerProvider implements BrokerProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("postgres", "postgresql");
  }

  @Override
  public Broker open(BrokerUrl url, InstantSource clock) {
    PostgresLocation location = PostgresLocation.parse(url.scheme(), url.rest());
    return JdbcBroker.open(PostgresDialect.open(location), clock);
  }
}
