package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerProvider;
import dev.semafor.spi.BrokerUrl;
import dev.semafor.spi.OpenMode;
import java.time.InstantSource;
import java.util.Set;

/**
 * Opens {@code sqlite:} brokers: {@code sqlite:PATH} (relative to the working directory, or
 * absolute; {@code sqlite:///abs/path} also works) and {@code sqlite::memory:}. The file and its
 * schema are created on first use, unless opened with {@link OpenMode#EXISTING}.
 */
public final class SqliteBrokerProvider implements BrokerProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("sqlite");
  }

  @Override
  public Broker open(BrokerUrl url, InstantSource clock) {
    return open(url, clock, OpenMode.CREATE);
  }

  /** With {@link OpenMode#EXISTING}, a file that does not exist is refused, and not created. */
  @Override
  public Broker open(BrokerUrl url, InstantSource clock, OpenMode mode) {
    SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(url.rest()));
    if (mode == OpenMode.EXISTING) {
      dialect.checkExists();
    }
    return JdbcBroker.open(dialect, clock);
  }
}
