package dev.semafor.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;

/**
 * A way for the test JVM into the hosts' network, which the machine's own namespace has no address
 * in: a process on a host ({@link #main}) listens on a Unix socket (files are shared by all
 * namespaces) and connects each caller to a TCP address from that host; the test JVM listens on a
 * loopback port and passes each connection to that socket ({@link #open}). A client in the test (a
 * producer, the test's own view of the broker) thereby talks to the broker from that host, over the
 * simulated network.
 */
final class Tunnel implements AutoCloseable {
  private final ServerSocket server;
  private final Path socket;
  private final Process process;

  private Tunnel(ServerSocket server, Path socket, Process process) {
    this.server = server;
    this.socket = socket;
    this.process = process;
  }

  /**
   * Starts the host's end on {@code host} (a process of {@code net}, killed at its close) and the
   * test's end here; returns once a connection through it reaches {@code target}.
   */
  static Tunnel open(NetHosts net, String host, String targetHost, int targetPort, Path folder)
      throws IOException {
    Path socket = folder.resolve("tunnel-" + host + "-" + targetPort + ".sock");
    Files.deleteIfExists(socket);
    Process process =
        net.start(
            net.on(host, Fleet.java(Tunnel.class, socket.toString(), targetHost, "" + targetPort))
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("tunnel-" + host + ".log").toFile()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Files.exists(socket) || !process.isAlive());
    if (!process.isAlive()) {
      throw new IOException("the tunnel's end on " + host + " exited: see its log in " + folder);
    }
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Tunnel tunnel = new Tunnel(server, socket, process);
    Thread.ofPlatform().daemon(true).name("tunnel-" + host).start(tunnel::accept);
    return tunnel;
  }

  /** {@code Tunnel SOCKET_PATH TARGET_HOST TARGET_PORT}: the host's end. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println(
          "usage: Tunnel SOCKET_PATH TARGET_HOST TARGET_PORT; got " + Arrays.asList(args));
      System.exit(2);
    }
    Path path = Path.of(args[0]);
    InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(path));
      System.out.println("tunnel " + path + " -> " + target);
      System.out.flush();
      while (true) {
        SocketChannel caller = listener.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 10_000);
          upstream.setTcpNoDelay(true);
        } catch (IOException e) {
          caller.close();
          upstream.close();
          continue;
        }
        splice(
            Channels.newInputStream(caller),
            Channels.newOutputStream(caller),
            upstream.getInputStream(),
            upstream.getOutputStream(),
            () -> {
              closeQuietly(caller);
              closeQuietly(upstream);
            });
      }
    }
  }

  /** The loopback address the test connects to. */
  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket caller = server.accept();
        caller.setTcpNoDelay(true);
        SocketChannel host;
        try {
          host = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
          caller.close(); // the host's end is not up yet, or gone: the caller retries
          continue;
        }
        splice(
            caller.getInputStream(),
            caller.getOutputStream(),
            Channels.newInputStream(host),
            Channels.newOutputStream(host),
            () -> {
              closeQuietly(caller);
              closeQuietly(host);
            });
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies both ways until either side ends, then closes both. */
  private static void splice(
      InputStream aIn, OutputStream aOut, InputStream bIn, OutputStream bOut, Runnable close) {
    Thread.ofVirtual().start(() -> copy(aIn, bOut, close));
    Thread.ofVirtual().start(() -> copy(bIn, aOut, close));
  }

  private static void copy(InputStream in, OutputStream out, Runnable close) {
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side ended
    } finally {
      close.run();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    process.destroyForcibly();
    Files.deleteIfExists(socket);
  }
}
