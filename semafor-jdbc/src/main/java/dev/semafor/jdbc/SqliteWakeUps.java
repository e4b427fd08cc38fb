package dev.semafor.jdbc;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the idle workers of one SQLite file, in this process and in the others on the machine,
 * through Unix-domain sockets in a folder beside the file ({@code <db>.wake/}).
 *
 * <h2>How</h2>
 *
 * A broker handle whose worker waits for the first time listens on a socket of its own in the
 * folder ({@code <pid>-<random>.sock}, the folder made if missing) and starts a thread that accepts
 * on it; each connection accepted counts a wake-up ({@link #generation}) and ends the waits in
 * progress. After a commit that made jobs ready, the committing handle counts a wake-up of its own
 * and connects to every other socket in the folder, closing each connection at once (the connection
 * is the message): some tens of microseconds each, nothing when no one ever waited (no folder), and
 * at most one round in flight per handle (commits that come during a round are folded into one
 * more). Java has no Unix-domain datagram channel, hence connections. A wait returns as soon as the
 * count differs from what it was when the handle last began a lease ({@link #leasing}), so a job
 * committed between the lease's look and the wait still ends it.
 *
 * <h2>Failures</h2>
 *
 * Nothing here is needed for correctness: the worker leases at the wait's timeout whatever happens.
 * A socket whose process died is found when a connection to it is refused, and deleted; a handle
 * whose socket file was deleted while it lived listens on a new one at its next wait. A folder that
 * cannot be made, or a path too long for a socket address (about 100 bytes), leaves the handle
 * polling, logged once. In-memory databases ({@code sqlite::memory:}) are signalled in this handle
 * only.
 */
final class SqliteWakeUps implements WorkSignal {
  static final String FOLDER_SUFFIX = ".wake";
  private static final String SOCKET_SUFFIX = ".sock";
  private static final Logger log = LoggerFactory.getLogger(SqliteWakeUps.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The socket folder; null for an in-memory database. */
  private final Path folder;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();

  /** Wake-ups counted so far. Written under {@link #lock}. */
  private volatile long generation;

  /** {@link #generation} when this handle last began a lease. */
  private volatile long seenByLease;

  /** This handle's socket once it waited; guarded by {@link #lock}. */
  private ServerSocketChannel inbox;

  private Path own;
  private boolean unusable;
  private volatile boolean closed;

  /** Held by the thread sending a round. */
  private final ReentrantLock sendLock = new ReentrantLock();

  /** Set when a commit asks for a round while one is in flight. */
  private final AtomicBoolean again = new AtomicBoolean();

  SqliteWakeUps(SqliteLocation location) {
    this.folder = location.isFile() ? folderOf(location.file()) : null;
  }

  /** The socket folder of a database file. */
  static Path folderOf(Path databaseFile) {
    return Path.of(databaseFile + FOLDER_SUFFIX);
  }

  @Override
  public void leasing() {
    seenByLease = generation;
  }

  @Override
  public void await(List<String> queues, Duration timeout) throws InterruptedException {
    long seen = seenByLease;
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      listen();
      while (generation == seen && nanos > 0 && !closed) {
        nanos = woken.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void added() {
    wakeHere();
    if (folder == null || closed) {
      return;
    }
    again.set(true);
    // One round at a time; a commit during a round makes the round's sender go once more.
    while (again.get() && sendLock.tryLock()) {
      try {
        if (again.getAndSet(false)) {
          sendRound();
        }
      } finally {
        sendLock.unlock();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      woken.signalAll();
      if (inbox != null) {
        closeQuietly(inbox);
        deleteQuietly(own);
        inbox = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Counts a wake-up and ends the waits of this handle. */
  private void wakeHere() {
    lock.lock();
    try {
      generation++;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Binds this handle's socket and starts its receiver, once, or again if its file was deleted.
   * Under {@link #lock}.
   */
  private void listen() {
    if (inbox != null && !Files.exists(own)) {
      closeQuietly(inbox); // deleted under us (by hand, or taken for stale): listen anew
      inbox = null;
    }
    if (inbox != null || unusable || folder == null || closed) {
      return;
    }
    try {
      for (int attempt = 0; ; attempt++) {
        Files.createDirectories(folder);
        Path path =
            folder.resolve(
                ProcessHandle.current().pid()
                    + "-"
                    + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
                    + SOCKET_SUFFIX);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          channel.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
          closeQuietly(channel);
          if (attempt < 3) {
            continue; // the folder was removed meanwhile, or the name was taken: again
          }
          throw e;
        }
        inbox = channel;
        own = path;
        break;
      }
    } catch (IOException | RuntimeException e) {
      unusable = true;
      log.info(
          "{}: idle workers will poll; cannot bind a wake-up socket in {}: {}",
          folder.getParent(),
          folder,
          e.toString());
      return;
    }
    ServerSocketChannel channel = inbox;
    Thread.ofPlatform()
        .name("semafor-sqlite-wake-" + THREADS.incrementAndGet())
        .daemon(true)
        .start(() -> receive(channel));
  }

  /** Counts every connection to {@code channel} until it is closed. */
  private void receive(ServerSocketChannel channel) {
    try {
      while (true) {
        channel.accept().close();
        wakeHere();
      }
    } catch (ClosedChannelException e) {
      // closed with the broker
    } catch (IOException e) {
      if (!closed) {
        log.warn("{}: wake-up socket failed, idle workers will poll: {}", folder, e.toString());
      }
    }
  }

  /** Connects to every other socket in the folder. Under {@link #sendLock}. */
  private void sendRound() {
    Path mine = own;
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(folder, "*" + SOCKET_SUFFIX)) {
      for (Path socket : sockets) {
        if (!socket.equals(mine)) {
          send(socket);
        }
      }
    } catch (NoSuchFileException e) {
      // no folder: no one ever waited on this file
    } catch (IOException | RuntimeException e) {
      log.debug("{}: cannot list wake-up sockets: {}", folder, e.toString());
    }
  }

  private static void send(Path socket) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.configureBlocking(false); // a full backlog: its owner has wake-ups to take already
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException refused) {
      deleteQuietly(socket); // no one listens on it any more: its process died
    } catch (IOException e) {
      // gone since the listing, or busy: nothing to do
    }
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // another handle removed it, or the folder is read-only: the next send tries again
    }
  }
}
