package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.JobControlContract;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The job-control contract on the SQLite broker: each case on a new file. */
class SqliteJobControlTest extends JobControlContract {
  @TempDir static Path dir;
  private static final AtomicInteger files = new AtomicInteger();

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(
        "sqlite:" + dir.resolve("control-" + files.incrementAndGet() + ".db"), clock);
  }
}
