package dev.semafor.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's {@link WorkSignal}: wakes idle workers when work arrives, by {@code LISTEN/NOTIFY}.
 * Every enqueue of due jobs sends one {@code pg_notify(channel, queue)} per queue with the {@code
 * COMMIT} of its transaction ({@link #adding}: the notification is delivered when, and only if, the
 * jobs are committed; PostgreSQL folds identical ones of a transaction into one), and this
 * listener, on a dedicated connection outside the pool, passes each one on to the threads waiting
 * in {@link #await} for that queue.
 *
 * <h2>Missed wake-ups</h2>
 *
 * Each queue has a count of notifications. A thread remembers the counts it saw when its last wait
 * ended, so a notification that arrives between its empty lease and its next wait ends that wait at
 * once instead of being missed. While the listening connection is down (an outage), waits end at
 * their timeout, as plain polling; when it is back every waiter is woken once, since notifications
 * sent meanwhile are lost. Polling stays the fallback in every case.
 *
 * <p>The connection is opened on the first wait, so producers never hold one. Its sockets come from
 * {@link QuickProbeSocketFactory}, without which each notification would reach the waiters a
 * millisecond late.
 */
final class PostgresListener implements WorkSignal {
  private static final Logger log = LoggerFactory.getLogger(PostgresListener.class);
  private static final int POLL_MS = 500;
  private static final long MAX_BACKOFF_MS = 10_000;

  private final PostgresLocation location;
  private final String channel;

  /** Notifications per queue so far; guarded by itself, which waiters wait on. */
  private final Map<String, Long> counts = new HashMap<>();

  /** Bumped on every reconnect: every waiter wakes once. Guarded by {@link #counts}. */
  private long resets;

  /** Per waiting thread: the counts it saw when its last wait ended. */
  private final ThreadLocal<Map<String, Long>> seen = ThreadLocal.withInitial(HashMap::new);

  private final ThreadLocal<long[]> seenResets = ThreadLocal.withInitial(() -> new long[] {-1});

  private Thread thread; // guarded by this
  private volatile boolean listening;
  private volatile boolean closed;

  PostgresListener(PostgresLocation location) {
    this.location = location;
    this.channel = channel(location.schema());
  }

  /** The channel of a schema's notifications, a name of at most 63 bytes. */
  static String channel(String schema) {
    String name = "semafor_" + schema;
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /**
   * A notification per queue, sent with the caller's transaction's {@code COMMIT} (in the same
   * round trip: {@link PostgresDialect#transactions}) and so delivered when, and only if, it
   * commits.
   */
  @Override
  public void adding(Session s, Collection<String> queues) {
    s.announce(queues);
  }

  /**
   * Nothing: each thread's wait compares with the counts it saw when its last wait ended, so a
   * notification that comes after that (before or after the lease) ends its next wait at once.
   */
  @Override
  public void leasing() {}

  /**
   * Waits until a notification for one of {@code queues} arrives that this thread has not seen, or
   * {@code timeout} passes.
   */
  @Override
  public void await(List<String> queues, Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException(); // even when news would end the wait at once
    }
    start();
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> mine = seen.get();
    long[] myResets = seenResets.get();
    synchronized (counts) {
      while (true) {
        boolean news = myResets[0] >= 0 && myResets[0] != resets;
        for (String queue : queues) {
          long count = counts.getOrDefault(queue, 0L);
          Long before = mine.put(queue, count);
          news |= before != null && before != count;
        }
        myResets[0] = resets;
        long left = deadline - System.nanoTime();
        if (news || left <= 0 || closed) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(counts, left);
      }
    }
  }

  private synchronized void start() {
    if (thread == null && !closed) {
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("semafor-listen " + location.describe())
              .start(this::listen);
    }
  }

  /** Whether the listening connection is up (for tests and logs). */
  boolean isListening() {
    return listening;
  }

  private void listen() {
    long backoff = 250;
    boolean reported = false;
    while (!closed) {
      try (Connection c = connect();
          Statement st = c.createStatement()) {
        st.execute("LISTEN " + channel);
        listening = true;
        backoff = 250;
        if (reported) {
          log.info("listening for new jobs on {} again", location.describe());
          reported = false;
        }
        wakeEveryone(); // what was sent while nobody listened is lost: look again
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(POLL_MS);
          if (notifications != null && notifications.length > 0) {
            signal(notifications);
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          return;
        }
        if (!reported) {
          log.warn(
              "cannot listen for new jobs on {} ({}); idle workers poll until it is back",
              location.describe(),
              e.getMessage());
          reported = true;
        }
        wakeEveryone();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", location.user());
    if (location.password() != null) {
      props.setProperty("password", location.password());
    }
    props.setProperty("ApplicationName", "semafor-listener");
    props.setProperty("connectTimeout", "5");
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("socketFactory", QuickProbeSocketFactory.class.getName());
    return DriverManager.getConnection(location.jdbcUrl(), props);
  }

  private void signal(PGNotification[] notifications) {
    synchronized (counts) {
      for (PGNotification n : notifications) {
        counts.merge(n.getParameter(), 1L, Long::sum);
      }
      counts.notifyAll();
    }
  }

  private void wakeEveryone() {
    synchronized (counts) {
      resets++;
      counts.notifyAll();
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    wakeEveryone();
    if (t != null) {
      try {
        t.join(POLL_MS * 4L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
