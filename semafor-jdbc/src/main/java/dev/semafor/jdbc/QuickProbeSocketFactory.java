package dev.semafor.jdbc;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.SocketFactory;

/**
 * Sockets for {@link PostgresListener}'s connection on which the PostgreSQL driver's "is anything
 * more waiting?" probe does not wait: a read under a 1 ms timeout with nothing to read fails at
 * once instead of after the millisecond.
 *
 * <h2>Why</h2>
 *
 * {@code PGConnection.getNotifications(timeout)} reads the first notification and then, before it
 * returns, asks whether another message is pending ({@code PGStream.hasMessagePending}): with
 * nothing buffered, that is a read under a 1 ms socket timeout, which on a plain socket waits the
 * whole millisecond (poll rounds up) and, since it ends in a timeout, is not remembered as "nothing
 * there" either. So every wake-up of an idle worker waited at least 1 ms after its notification had
 * arrived: on a quiet machine, about 1.1 ms of the 5–6 ms from enqueue to start
 * (docs/benchmarks.md). Here the probe sees that nothing is there ({@link InputStream#available()},
 * which a TCP socket answers from the kernel's count) and fails without waiting; a notification
 * arriving just after it is read by the listener's next call, so nothing is lost.
 *
 * <p>Only a timeout of exactly 1 ms is treated so (the driver's probe; the listener's own waits are
 * hundreds of milliseconds), and only when no byte is waiting: anything else is the plain socket's
 * behaviour. Public because the driver instantiates it by class name (its {@code socketFactory}
 * property).
 */
public final class QuickProbeSocketFactory extends SocketFactory {
  /** The read timeout, in ms, of the driver's probe. */
  static final int PROBE_MS = 1;

  /** For the driver, which calls this by reflection. */
  public QuickProbeSocketFactory() {}

  @Override
  public Socket createSocket() {
    return new QuickProbeSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  private static Socket connected(InetSocketAddress remote, InetSocketAddress local)
      throws IOException {
    Socket socket = new QuickProbeSocket();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** A plain socket whose reads under the probe's timeout do not wait when nothing is there. */
  private static final class QuickProbeSocket extends Socket {
    private volatile int timeout;
    private InputStream input; // guarded by this

    @Override
    public void setSoTimeout(int millis) throws SocketException {
      super.setSoTimeout(millis);
      timeout = millis;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (input == null) {
        input = new ProbeInput(super.getInputStream());
      }
      return input;
    }

    private final class ProbeInput extends FilterInputStream {
      ProbeInput(InputStream socket) {
        super(socket);
      }

      @Override
      public int read() throws IOException {
        failProbeIfNothingThere();
        return super.read();
      }

      @Override
      public int read(byte[] bytes, int offset, int length) throws IOException {
        failProbeIfNothingThere();
        return super.read(bytes, offset, length);
      }

      private void failProbeIfNothingThere() throws IOException {
        if (timeout == PROBE_MS && in.available() == 0) { // in: the socket's own stream
          throw new SocketTimeoutException("nothing to read (probe)");
        }
      }
    }
  }
}
