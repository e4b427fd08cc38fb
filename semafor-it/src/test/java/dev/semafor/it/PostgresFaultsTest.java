package dev.semafor.it;

import java.io.IOException;
import java.nio.file.Path;

/** The fault tests on PostgreSQL: a server of the test's own on host {@code broker}. */
class PostgresFaultsTest extends FaultsContract {
  @Override
  BrokerServer server(NetHosts net, String host, Path folder, String keyspace) throws IOException {
    return new PostgresServer(net, host, folder, keyspace);
  }

  @Override
  String missingServer() throws IOException {
    return PostgresServer.bin() == null
        ? "no initdb/pg_ctl under /usr/lib/postgresql/*/bin to run PostgreSQL on a host"
        : null;
  }
}
