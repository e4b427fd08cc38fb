package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.BrokerContract;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The whole Broker contract (TCK) on the SQLite broker: each case on a new file. */
class SqliteBrokerTckTest extends BrokerContract {
  @TempDir static Path dir;
  private static final AtomicInteger files = new AtomicInteger();

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open("sqlite:" + dir.resolve("tck-" + files.incrementAndGet() + ".db"), clock);
  }
}
