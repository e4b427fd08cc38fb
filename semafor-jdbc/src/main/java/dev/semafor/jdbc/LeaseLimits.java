package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.spi.LeaseRef;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The concurrency and rate limits of one lease call, inside its write transaction. Each key is
 * counted under a lock on it held until the transaction ends ({@link Dialect#tryLockKey}), so no
 * other lease, on this or another host, counts between the check and the take: on SQLite the one
 * write lock, on PostgreSQL an advisory lock per key. A key whose lock another lease holds counts
 * as full for this call (its jobs wait for the next lease), so leases never wait for each other.
 *
 * <p>Concurrency: the {@code RUNNING} jobs per key, counted once per key over the partial index
 * {@code semafor_jobs_limited}, plus the jobs this call takes. Rate: the rows of {@code
 * semafor_rate_starts} per key that started within the job's period, counted once per key, plus
 * this call's takes; {@link #record} appends a row per start taken and deletes the key's rows that
 * no period needs any more. A lease released unstarted gives its start back ({@link #giveBack}).
 */
final class LeaseLimits {
  static final String RUNNING_WITH_KEY =
      "SELECT COUNT(*) FROM "
          + JobRows.TABLE
          + " WHERE state = 'RUNNING' AND concurrency_key = ? AND concurrency_key IS NOT NULL";
  static final String STARTS_SINCE =
      "SELECT COUNT(*) FROM " + JobControl.RATE_STARTS + " WHERE rate_key = ? AND started_at > ?";
  static final String START =
      "INSERT INTO "
          + JobControl.RATE_STARTS
          + " (rate_key, started_at, expires_at) VALUES (?, ?, ?)";
  static final String FORGET =
      "DELETE FROM " + JobControl.RATE_STARTS + " WHERE rate_key = ? AND expires_at <= ?";
  static final String RATED_LEASES =
      "SELECT rid, id, lease_token, rate_key, started_at, rate_period_ms FROM "
          + JobRows.TABLE
          + " WHERE state = 'RUNNING' AND rate_key IS NOT NULL AND rate_permits > 0"
          + " AND rate_period_ms > 0 AND ";
  static final String STARTS_AT =
      "SELECT COUNT(*) FROM "
          + JobControl.RATE_STARTS
          + " WHERE rate_key = ? AND started_at = ? AND expires_at = ?";
  static final String FORGET_AT =
      "DELETE FROM "
          + JobControl.RATE_STARTS
          + " WHERE rate_key = ? AND started_at = ? AND expires_at = ?";

  private final Session session;
  private final Dialect dialect;
  private final long now;
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Integer> starts = new HashMap<>();
  private final List<Start> taken = new ArrayList<>();

  /** The count of a key locked by another lease: more than any limit. */
  private static final int FULL = Integer.MAX_VALUE / 2;

  private record Start(String key, long periodMs) {}

  /** One rate start as {@link #record} stored it: key, start time, and start plus the period. */
  private record StartRow(String key, long startedAt, long expiresAt) {
    static final Comparator<StartRow> ORDER =
        Comparator.comparing(StartRow::key)
            .thenComparingLong(StartRow::startedAt)
            .thenComparingLong(StartRow::expiresAt);
  }

  LeaseLimits(Session session, Dialect dialect, Instant now) {
    this.session = session;
    this.dialect = dialect;
    this.now = millis(now);
  }

  /**
   * Whether a job with these limits may start now; if so it is counted against both. A null key (or
   * a limit of 0) is no limit.
   */
  boolean tryTake(String concurrencyKey, int limit, String rateKey, int permits, long periodMs)
      throws SQLException {
    boolean limited = concurrencyKey != null && limit > 0;
    boolean rated = rateKey != null && permits > 0 && periodMs > 0;
    if (limited && running(concurrencyKey) >= limit) {
      return false;
    }
    if (rated && starts(rateKey, periodMs) >= permits) {
      return false;
    }
    if (limited) {
      running.merge(concurrencyKey, 1, Integer::sum);
    }
    if (rated) {
      starts.merge(rateKey, 1, Integer::sum);
      taken.add(new Start(rateKey, periodMs));
    }
    return true;
  }

  /** Stores the rate-limited starts taken, and forgets each key's starts that aged out. */
  void record() throws SQLException {
    if (taken.isEmpty()) {
      return;
    }
    PreparedStatement insert = session.prepare(START);
    for (Start start : taken) {
      insert.setString(1, start.key());
      insert.setLong(2, now);
      insert.setLong(3, now + start.periodMs());
      insert.addBatch();
    }
    insert.executeBatch();
    PreparedStatement forget = session.prepare(FORGET);
    for (String key : starts.keySet()) {
      forget.setString(1, key);
      forget.setLong(2, now);
      forget.addBatch();
    }
    forget.executeBatch();
  }

  /**
   * Gives back the rate starts of the live leases among {@code leases}, which are being released
   * unstarted ({@link dev.semafor.spi.Broker#release}); runs in the release's transaction, before
   * the release clears the jobs' start times. A lease's start row has the job's key and start time,
   * and expires a period later. Start rows name no job, so rows of one key, start and expiry are
   * alike: to give back {@code n} of them, all are deleted and all but {@code n} put back (most
   * often none), under the key's lock ({@link Dialect#lockKey}) so that two releases or a release
   * and a lease never interleave their counts. A start that has aged out is gone already and gives
   * nothing back.
   */
  static void giveBack(Session s, Dialect dialect, List<LeaseRef> leases) throws SQLException {
    Map<Long, LeaseRef> byRow = HashMap.newHashMap(leases.size());
    for (LeaseRef ref : leases) {
      byRow.put(Leasing.rowOf(ref), ref);
    }
    long[] rids = byRow.keySet().stream().mapToLong(Long::longValue).toArray();
    PreparedStatement find = s.prepare(RATED_LEASES + dialect.inIds("rid"));
    dialect.bindIds(find, 1, rids);
    Map<StartRow, Integer> given = new TreeMap<>(StartRow.ORDER);
    try (ResultSet rs = find.executeQuery()) {
      while (rs.next()) {
        LeaseRef ref = byRow.get(rs.getLong(1));
        if (ref == null
            || !ref.jobId().equals(rs.getString(2))
            || !ref.token().equals(rs.getString(3))) {
          continue; // a stale token: that release changes nothing
        }
        long startedAt = rs.getLong(5);
        given.merge(
            new StartRow(rs.getString(4), startedAt, startedAt + rs.getLong(6)), 1, Integer::sum);
      }
    }
    String locked = null;
    for (Map.Entry<StartRow, Integer> e : given.entrySet()) {
      String key = e.getKey().key();
      if (!key.equals(locked)) {
        dialect.lockKey(s, "r:" + key); // keys in order, so two releases never deadlock
        locked = key;
      }
      giveBack(s, e.getKey(), e.getValue());
    }
  }

  private static void giveBack(Session s, StartRow row, int n) throws SQLException {
    PreparedStatement count = s.prepare(STARTS_AT);
    bindStartRow(count, row);
    int stored;
    try (ResultSet rs = count.executeQuery()) {
      stored = rs.next() ? rs.getInt(1) : 0;
    }
    if (stored == 0) {
      return;
    }
    PreparedStatement forget = s.prepare(FORGET_AT);
    bindStartRow(forget, row);
    forget.executeUpdate();
    if (stored > n) {
      PreparedStatement insert = s.prepare(START);
      for (int i = n; i < stored; i++) {
        bindStartRow(insert, row);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void bindStartRow(PreparedStatement ps, StartRow row) throws SQLException {
    ps.setString(1, row.key());
    ps.setLong(2, row.startedAt());
    ps.setLong(3, row.expiresAt());
  }

  private int running(String key) throws SQLException {
    Integer n = running.get(key);
    if (n == null) {
      n = dialect.tryLockKey(session, "c:" + key) ? count(RUNNING_WITH_KEY, key, null) : FULL;
      running.put(key, n);
    }
    return n;
  }

  private int starts(String key, long periodMs) throws SQLException {
    Integer n = starts.get(key);
    if (n == null) {
      n = dialect.tryLockKey(session, "r:" + key) ? count(STARTS_SINCE, key, now - periodMs) : FULL;
      starts.put(key, n);
    }
    return n;
  }

  private int count(String sql, String key, Long since) throws SQLException {
    PreparedStatement ps = session.prepare(sql);
    ps.setString(1, key);
    if (since != null) {
      ps.setLong(2, since);
    }
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
