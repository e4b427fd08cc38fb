package dev.semafor.jdbc;

import dev.semafor.BrokerUnavailableException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A fixed set of {@link Session}s, each lent to one caller at a time. With one session this is a
 * fair lock around one connection (SQLite's single writer); with more, a small pool.
 *
 * <p>Or, over a connection pool ({@link Dialect#pool()}): each call borrows a connection, wraps it
 * in a new session and gives it back when the call ends, so a connection broken by a server restart
 * is dropped by the pool and the next call gets a fresh one. (The driver keeps its server-side
 * prepared statements per physical connection, so preparing per call stays cheap.)
 *
 * <p>Waiting for a session is not interruptible: a wait lasts at most one transaction of another
 * caller (milliseconds), and a worker being shut down must still be able to write its completions.
 * After {@link #close} every call fails with {@link BrokerUnavailableException}.
 */
final class SessionPool implements AutoCloseable {
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final String name;
  private final int size;
  private final Semaphore permits;

  /** Sessions not lent out; a caller holding a permit always finds one. */
  private final ConcurrentLinkedQueue<Session> idle;

  /** Where each call borrows its connection, or null for the fixed sessions of {@link #idle}. */
  private final DataSource pool;

  private volatile boolean closed;

  SessionPool(String name, List<Session> sessions) {
    this.name = name;
    this.size = sessions.size();
    this.permits = new Semaphore(size, true);
    this.idle = new ConcurrentLinkedQueue<>(sessions);
    this.pool = null;
  }

  /** Sessions over {@code pool}'s connections, at most {@code size} lent at once. */
  SessionPool(String name, DataSource pool, int size) {
    this.name = name;
    this.size = size;
    this.permits = new Semaphore(size, true);
    this.idle = new ConcurrentLinkedQueue<>();
    this.pool = pool;
  }

  /** Runs {@code work} with a session of its own, waiting for one if all are lent out. */
  <T> T use(SqlWork<T> work) throws SQLException {
    checkOpen();
    permits.acquireUninterruptibly();
    if (pool != null) {
      try (Session borrowed = new Session(pool.getConnection())) {
        checkOpen();
        return work.run(borrowed);
      } finally {
        permits.release();
      }
    }
    Session session = null;
    try {
      checkOpen();
      session = idle.poll();
      return work.run(session);
    } finally {
      if (session != null) {
        idle.add(session);
      }
      permits.release();
    }
  }

  /**
   * Waits (up to ten seconds) for lent sessions to come back, then closes every session. Later
   * calls fail.
   */
  @Override
  public void close() throws SQLException {
    closed = true;
    boolean all = false;
    try {
      all = permits.tryAcquire(size, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SQLException first = null;
    Session session;
    while ((session = idle.poll()) != null) {
      try {
        session.close();
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    if (all) {
      permits.release(size);
    }
    if (first != null) {
      throw first;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new BrokerUnavailableException(name + " is closed");
    }
  }

  /** Work done with one session. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Session session) throws SQLException;
  }
}
