package dev.semafor.jdbc;

import dev.semafor.broker.Broker;
import dev.semafor.broker.BrokerProvider;
import dev.semafor.broker.BrokerUrl;
import java.time.InstantSource;
import java.util.Set;

/**
 * Opens {@code sqlite:} brokers: {@code sqlite:PATH} (relative to the working directory, or
 * absolute; {@code sqlite:///abs/path} also works) and {@code sqlite::memory:}. The file and its
 * schema are created on first use.
 */
public final class SqliteBrokerProvider implements BrokerProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("sqlite");
  }

  @Override
  public Broker open(BrokerUrl url, InstantSource clock) {
    return JdbcBroker.open(new SqliteDialect(SqliteLocation.parse(url.rest())), clock);
  }
}
