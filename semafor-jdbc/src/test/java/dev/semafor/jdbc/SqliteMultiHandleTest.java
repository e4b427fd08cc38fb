package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.MultiHandleContract;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-handle contract on SQLite: several brokers on one file, each with its own connections,
 * as several processes sharing the file are.
 */
class SqliteMultiHandleTest extends MultiHandleContract {
  @TempDir static Path dir;
  private static final AtomicInteger files = new AtomicInteger();

  @Override
  protected List<Broker> openHandles(int n, InstantSource clock) {
    String url = "sqlite:" + dir.resolve("shared-" + files.incrementAndGet() + ".db");
    List<Broker> handles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      handles.add(Brokers.open(url, clock));
    }
    return handles;
  }
}
