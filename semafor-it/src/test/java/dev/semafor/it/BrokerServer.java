package dev.semafor.it;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A broker's server of the test's own, on a simulated host: listening on that host's address (for
 * the other hosts) and on its loopback (for a {@link DelayRelay} on the same host), with its data
 * in a folder of the test. {@link #stop} ends it as a crashed host would (no clean shutdown),
 * {@link #start} brings it back on the same data; {@link #close} stops it for good and deletes the
 * folder.
 */
abstract class BrokerServer implements AutoCloseable {
  protected final NetHosts net;
  protected final String host;
  protected final Path folder;

  BrokerServer(NetHosts net, String host, Path folder) {
    this.net = net;
    this.host = host;
    this.folder = folder;
  }

  /** The port it listens on (the host's own: each namespace has its ports). */
  abstract int port();

  /** Starts it on its data (made on the first start) and returns once it accepts connections. */
  abstract void start() throws IOException;

  /** Stops it at once, without a clean shutdown. */
  abstract void stop() throws IOException;

  /** The broker URL for a server at {@code address:port}, in the test's own namespace of keys. */
  abstract String url(String address, int port);

  /** What the server is, for test names and figures ("PostgreSQL 15", "Redis 7"). */
  abstract String name();

  /** The URL that reaches it directly over the hosts' network. */
  String url() {
    return url(net.host(host).address(), port());
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (IOException | RuntimeException e) {
      // it may be down already; the folder goes all the same
    }
    Hosts.deleteTree(folder);
  }
}
