package dev.semafor.it;

import java.nio.file.Path;

/** The fault tests on Redis: a redis-server of the test's own on host {@code broker}. */
class RedisFaultsTest extends FaultsContract {
  @Override
  BrokerServer server(NetHosts net, String host, Path folder, String keyspace) {
    return new RedisHostServer(net, host, folder, keyspace);
  }

  @Override
  String missingServer() {
    return RedisHostServer.installed() ? null : "no redis-server on the PATH to run on a host";
  }
}
