package dev.semafor.jdbc;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.MultiHandleContract;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The multi-handle contract on PostgreSQL: handles with pools of their own on one new schema. */
class PostgresMultiHandleTest extends MultiHandleContract {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresMultiHandleTest.class);

  @Override
  protected List<Broker> openHandles(int n, InstantSource clock) {
    String url = schemas.newUrl("pool=2");
    List<Broker> handles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      handles.add(Brokers.open(url, clock));
    }
    return handles;
  }
}
