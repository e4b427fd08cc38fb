package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's sockets: the driver's 1 ms probe fails at once when nothing is there, and every
 * other read behaves as a plain socket's.
 */
class QuickProbeSocketFactoryTest {
  private static final int TRIES = 20;

  private ServerSocket server;

  /** A socket of the factory's. */
  private Socket socket;

  /** The other end of {@link #socket}. */
  private Socket peer;

  @BeforeEach
  void connect() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    socket =
        new QuickProbeSocketFactory().createSocket(server.getInetAddress(), server.getLocalPort());
    peer = server.accept();
  }

  @AfterEach
  void close() throws IOException {
    try (ServerSocket s = server;
        Socket a = socket;
        Socket b = peer) {
      // all three closed
    }
  }

  @Test
  void theProbeWithNothingToReadFailsWithoutWaitingItsMillisecond() throws Exception {
    socket.setSoTimeout(QuickProbeSocketFactory.PROBE_MS);
    InputStream in = socket.getInputStream();
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < TRIES; i++) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> in.read(new byte[8], 0, 8))
          .isInstanceOf(SocketTimeoutException.class);
      fastest = Math.min(fastest, System.nanoTime() - start);
    }
    // A plain socket's timed read waits at least the whole millisecond, every time.
    assertThat(Duration.ofNanos(fastest)).isLessThan(Duration.ofMillis(1).dividedBy(2));
  }

  @Test
  void theProbeReadsWhatIsThere() throws Exception {
    peer.getOutputStream().write(new byte[] {7, 8});
    peer.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    await().until(() -> in.available() == 2);
    socket.setSoTimeout(QuickProbeSocketFactory.PROBE_MS);
    assertThat(in.read()).isEqualTo(7);
    byte[] rest = new byte[4];
    assertThat(in.read(rest, 0, 4)).isEqualTo(1);
    assertThat(rest[0]).isEqualTo((byte) 8);
  }

  @Test
  void otherReadsWaitForDataAsAPlainSocketsDo() throws Exception {
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return in.read();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    OutputStream out = peer.getOutputStream();
    out.write(42);
    out.flush();
    assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(42);

    socket.setSoTimeout(50);
    assertThatThrownBy(() -> in.read()).isInstanceOf(SocketTimeoutException.class);
  }
}
