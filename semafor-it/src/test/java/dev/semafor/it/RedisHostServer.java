package dev.semafor.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code redis-server} on a simulated host, with an append-only file fsynced on every write ({@code
 * appendonly yes}, {@code appendfsync always}): every write it acknowledged survives a crash.
 * {@link #stop} is SIGKILL; the next start reads the file back.
 */
final class RedisHostServer extends BrokerServer {
  private static final int PORT = 6379;
  private final String prefix;
  private Process process;

  RedisHostServer(NetHosts net, String host, java.nio.file.Path folder, String prefix) {
    super(net, host, folder);
    this.prefix = prefix;
  }

  /** Whether {@code redis-server} is on the PATH. */
  static boolean installed() {
    try {
      return NetHosts.run(List.of("redis-server", "--version")).code() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  int port() {
    return PORT;
  }

  @Override
  String name() {
    return "Redis";
  }

  @Override
  String url(String address, int port) {
    return "redis://" + address + ":" + port + "/0?prefix=" + prefix;
  }

  @Override
  void start() throws IOException {
    process =
        net.start(
            net.on(
                    host,
                    List.of(
                        "redis-server",
                        "--port",
                        Integer.toString(PORT),
                        "--bind",
                        net.host(host).address() + " 127.0.0.1",
                        "--protected-mode",
                        "no",
                        "--dir",
                        folder.toString(),
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        "always",
                        "--save",
                        ""))
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(folder.resolve("redis.log").toFile())));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IOException("redis-server exited: see " + folder.resolve("redis.log"));
              }
              NetHosts.Result r = net.exec(host, "redis-cli", "-p", Integer.toString(PORT), "ping");
              return r.code() == 0 && r.output().contains("PONG");
            });
  }

  @Override
  void stop() throws IOException {
    if (process == null) {
      return;
    }
    process.destroyForcibly(); // SIGKILL: no shutdown, no final write
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping redis-server", e);
    }
    process = null;
  }
}
