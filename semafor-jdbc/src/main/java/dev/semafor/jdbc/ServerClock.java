package dev.semafor.jdbc;

import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database server's clock, read on this host: the server's time is fetched once at start and
 * then every {@link #RESYNC_SECONDS} s by a background thread, and carried forward in between with
 * this host's monotonic clock ({@link System#nanoTime()}), never its wall clock. Workers on hosts
 * whose clocks disagree therefore agree on "now" to within a round trip to the server, so lease
 * expiry, run-at and rate windows compare the same time everywhere; a host whose clock runs 30 s
 * fast reads the server's time all the same.
 *
 * <p>A reading is taken as the middle of the round trip that fetched it. {@link #instant()} never
 * touches the database (so it is safe inside a transaction, whatever the pool's size) and never
 * goes backwards. While the server cannot be reached the last reading carries on.
 */
final class ServerClock implements InstantSource, AutoCloseable {
  static final long RESYNC_SECONDS = 5;

  private record Reading(long serverMillis, long atNanos) {}

  private final Database db;
  private final String query;
  private final ScheduledExecutorService resync;
  private final AtomicLong last = new AtomicLong();
  private volatile Reading reading;

  private ServerClock(Database db, String query) {
    this.db = db;
    this.query = query;
    this.resync =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("semafor-server-clock").unstarted(r));
  }

  /** Reads the server's time once (throwing if it cannot), then keeps it in step. */
  static ServerClock start(Database db, String query) {
    ServerClock clock = new ServerClock(db, query);
    try {
      clock.sync();
    } catch (RuntimeException e) {
      clock.close();
      throw e;
    }
    clock.resync.scheduleWithFixedDelay(
        clock::syncQuietly, RESYNC_SECONDS, RESYNC_SECONDS, TimeUnit.SECONDS);
    return clock;
  }

  @Override
  public Instant instant() {
    Reading r = reading;
    long millis = r.serverMillis() + (System.nanoTime() - r.atNanos()) / 1_000_000;
    return Instant.ofEpochMilli(last.accumulateAndGet(millis, Math::max));
  }

  private void sync() {
    long before = System.nanoTime();
    long server =
        db.read(
            "read the server's clock",
            s -> {
              try (ResultSet rs = s.prepare(query).executeQuery()) {
                rs.next();
                return rs.getLong(1);
              }
            });
    long after = System.nanoTime();
    reading = new Reading(server, before + (after - before) / 2);
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      // the server is away: the last reading carries on, and the broker's own calls report it
    }
  }

  @Override
  public void close() {
    resync.shutdownNow();
  }
}
