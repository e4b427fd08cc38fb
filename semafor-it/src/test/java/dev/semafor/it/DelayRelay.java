package dev.semafor.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay that delays every byte it passes, each way, by a fixed time plus random jitter: a
 * slow network for kernels without the {@code netem} qdisc. Order is kept (a chunk is never sent
 * before the one read before it), so jitter stretches gaps but never reorders a stream.
 *
 * <p>Runs in the test JVM ({@link #start}) or as a process on a simulated host ({@link #main}).
 */
final class DelayRelay implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final long jitterNanos;
  private final Thread acceptor;

  private DelayRelay(ServerSocket server, InetSocketAddress target, long delayMs, long jitterMs) {
    this.server = server;
    this.target = target;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
    this.jitterNanos = TimeUnit.MILLISECONDS.toNanos(jitterMs);
    this.acceptor = Thread.ofPlatform().name("delay-relay").daemon(true).unstarted(this::accept);
  }

  /**
   * Listens on {@code listen} and relays to {@code target}, {@code delayMs ± jitterMs} each way.
   */
  static DelayRelay start(
      InetSocketAddress listen, InetSocketAddress target, long delayMs, long jitterMs)
      throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen);
    DelayRelay relay = new DelayRelay(server, target, delayMs, jitterMs);
    relay.acceptor.start();
    return relay;
  }

  /** {@code DelayRelay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS JITTER_MS} */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: DelayRelay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT"
              + " DELAY_MS JITTER_MS; got "
              + Arrays.toString(args));
      System.exit(2);
    }
    try (DelayRelay relay =
        start(
            new InetSocketAddress(args[0], Integer.parseInt(args[1])),
            new InetSocketAddress(args[2], Integer.parseInt(args[3])),
            Long.parseLong(args[4]),
            Long.parseLong(args[5]))) {
      System.out.println("relaying on " + relay.port());
      System.out.flush();
      relay.acceptor.join();
    }
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 10_000);
        } catch (IOException e) {
          client.close();
          upstream.close();
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        java.util.concurrent.atomic.AtomicInteger open =
            new java.util.concurrent.atomic.AtomicInteger(2);
        Runnable done =
            () -> {
              if (open.decrementAndGet() == 0) {
                closeQuietly(client);
                closeQuietly(upstream);
              }
            };
        pump(client, upstream, done);
        pump(upstream, client, done);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** One direction: a reader stamps each chunk with its send time, a writer keeps to it. */
  private void pump(Socket from, Socket to, Runnable done) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              long last = 0;
              byte[] buffer = new byte[16 * 1024];
              try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  long jitter =
                      jitterNanos == 0
                          ? 0
                          : ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1);
                  long at = Math.max(last, System.nanoTime() + Math.max(0, delayNanos + jitter));
                  last = at;
                  queue.add(new Chunk(Arrays.copyOf(buffer, n), at));
                }
              } catch (IOException e) {
                // the connection ended
              }
              queue.add(new Chunk(null, last));
            });
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                OutputStream out = to.getOutputStream();
                while (true) {
                  Chunk c = queue.take();
                  long wait = c.at() - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  if (c.bytes() == null) {
                    to.shutdownOutput();
                    done.run();
                    return;
                  }
                  out.write(c.bytes());
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private record Chunk(byte[] bytes, long at) {}

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
