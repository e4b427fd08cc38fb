package dev.semafor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hosts harness itself: cabling, cuts, the delaying relay, and that it leaves nothing behind.
 */
class NetHostsTest {
  /** The port of the test's redis-server inside the broker host (ports are per namespace). */
  private static final int REDIS_PORT = 6390;

  @BeforeAll
  static void needsNamespaces() {
    Requirements.namespaces();
  }

  @Test
  void hostsReachEachOtherUntilACutAndAgainAfterTheRestore() throws Exception {
    try (NetHosts net = NetHosts.create("broker", "worker")) {
      String broker = net.host("broker").address();
      startRedis(net, broker);

      await().atMost(Duration.ofSeconds(20)).until(() -> ping(net, broker, REDIS_PORT));

      net.cut("worker");
      assertThat(ping(net, broker, REDIS_PORT)).as("ping across a cut cable").isFalse();

      net.restore("worker");
      await().atMost(Duration.ofSeconds(20)).until(() -> ping(net, broker, REDIS_PORT));
    }
  }

  @Test
  void aRelayOnAHostCarriesTrafficToAServerOnIt() throws Exception {
    try (NetHosts net = NetHosts.create("broker", "worker")) {
      String broker = net.host("broker").address();
      startRedis(net, "127.0.0.1");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      net.start(
          net.on(
                  "broker",
                  List.of(
                      java,
                      "-cp",
                      System.getProperty("java.class.path"),
                      DelayRelay.class.getName(),
                      broker,
                      "6391",
                      "127.0.0.1",
                      Integer.toString(REDIS_PORT),
                      "20",
                      "5"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD));

      await().atMost(Duration.ofSeconds(30)).until(() -> ping(net, broker, 6391));
    }
  }

  @Test
  void closeDeletesEveryNamespaceItMade() throws Exception {
    List<String> made;
    try (NetHosts net = NetHosts.create("a", "b", "c")) {
      made = net.namespaces();
      assertThat(made).hasSize(4);
      assertThat(namespacesNow()).containsAll(made);
    }
    assertThat(namespacesNow()).doesNotContainAnyElementsOf(made);
  }

  @Test
  void theRelayDelaysEachWayAndKeepsOrder() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> serveEcho(echo));
      InetSocketAddress target =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
      try (DelayRelay relay =
              DelayRelay.start(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), target, 20, 5);
          Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          out.write(i);
        }
        out.flush();
        for (int i = 0; i < 50; i++) {
          assertThat(in.read()).as("byte %d back in order", i).isEqualTo(i);
        }
        long rttMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(rttMs).as("round trip through 20 ms ± 5 ms each way").isGreaterThanOrEqualTo(30);
      }
    }
  }

  /** Starts a throw-away redis-server on host "broker", listening on {@code address}. */
  private static void startRedis(NetHosts net, String address) throws IOException {
    net.start(
        net.on(
                "broker",
                List.of(
                    "redis-server",
                    "--port",
                    Integer.toString(REDIS_PORT),
                    "--bind",
                    address,
                    "--protected-mode",
                    "no",
                    "--save",
                    "",
                    "--appendonly",
                    "no"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD));
  }

  private static void serveEcho(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setTcpNoDelay(true);
      s.getInputStream().transferTo(s.getOutputStream());
    } catch (IOException e) {
      // the test ended
    }
  }

  /** True if host "worker" gets PONG from a Redis at {@code address:port} within about 2 s. */
  private static boolean ping(NetHosts net, String address, int port) throws IOException {
    NetHosts.Result r =
        net.exec(
            "worker",
            "timeout",
            "2",
            "redis-cli",
            "-h",
            address,
            "-p",
            Integer.toString(port),
            "ping");
    return r.code() == 0 && r.output().contains("PONG");
  }

  private static List<String> namespacesNow() throws IOException {
    return NetHosts.run(List.of("ip", "netns", "list"))
        .output()
        .lines()
        .map(l -> l.split(" ")[0])
        .toList();
  }
}
