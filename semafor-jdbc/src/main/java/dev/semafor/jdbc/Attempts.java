package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The writes that concern one attempt and carry its lease: heartbeat, complete, fail, release and
 * progress. Each matches its row by row id (taken from the token, see {@link Leasing#rowOf}), job
 * id, token and {@code RUNNING} together, so a stale or foreign token matches nothing and changes
 * nothing. Batches run as one JDBC batch inside the caller's write transaction.
 */
final class Attempts {
  private static final String THIS_LEASE =
      " WHERE rid = ? AND id = ? AND lease_token = ? AND state = 'RUNNING'";

  static final String HEARTBEAT =
      "UPDATE " + TABLE + " SET lease_expires_at = ?" + THIS_LEASE + " RETURNING cancel_requested";
  static final String COMPLETE =
      "UPDATE "
          + TABLE
          + " SET state = 'SUCCEEDED', result = ?, finished_at = ?, lease_expires_at = NULL,"
          + " lease_token = NULL, progress = 1.0, started = 1"
          + THIS_LEASE;
  static final String FAIL =
      "UPDATE "
          + TABLE
          + " SET state = ?, run_at = COALESCE(?, run_at), finished_at = ?, error_type = ?,"
          + " error_message = ?, error_stack = ?, lease_expires_at = NULL, lease_token = NULL,"
          + " started = 1"
          + THIS_LEASE;

  /** Back in line as if never leased; or {@code CANCELLED} if that was asked meanwhile. */
  static final String RELEASE =
      "UPDATE "
          + TABLE
          + " SET state = CASE WHEN cancel_requested = 1 THEN 'CANCELLED' ELSE 'QUEUED' END,"
          + " attempts = CASE WHEN cancel_requested = 1 THEN attempts ELSE attempts - 1 END,"
          + " started_at = CASE WHEN cancel_requested = 1 THEN started_at END,"
          + " worker_id = CASE WHEN cancel_requested = 1 THEN worker_id END,"
          + " finished_at = CASE WHEN cancel_requested = 1 THEN ? END,"
          + " lease_expires_at = NULL, lease_token = NULL, started = 0"
          + THIS_LEASE;

  static final String MARK_STARTED = "UPDATE " + TABLE + " SET started = 1" + THIS_LEASE;

  static final String PROGRESS =
      "UPDATE " + TABLE + " SET progress = ?, progress_message = ?" + THIS_LEASE;

  private Attempts() {}

  /** Extends each live lease to {@code expires}; one status per lease, in order. */
  static List<LeaseStatus> heartbeat(
      Session s, Dialect dialect, List<LeaseRef> leases, Instant expires) throws SQLException {
    if (dialect.heartbeatAll() != null && leases.size() > 1) {
      return heartbeatAll(s, dialect, leases, expires);
    }
    PreparedStatement ps = s.prepare(HEARTBEAT);
    List<LeaseStatus> out = new ArrayList<>(leases.size());
    for (LeaseRef ref : leases) {
      ps.setLong(1, millis(expires));
      bindLease(ps, 2, ref);
      try (ResultSet rs = ps.executeQuery()) {
        out.add(
            !rs.next()
                ? LeaseStatus.LOST
                : rs.getInt(1) != 0 ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.ACTIVE);
      }
    }
    return out;
  }

  /** One statement for the batch ({@link Dialect#heartbeatAll}). */
  private static List<LeaseStatus> heartbeatAll(
      Session s, Dialect dialect, List<LeaseRef> leases, Instant expires) throws SQLException {
    int n = leases.size();
    long[] rids = new long[n];
    String[] ids = new String[n];
    String[] tokens = new String[n];
    for (int i = 0; i < n; i++) {
      rids[i] = Leasing.rowOf(leases.get(i));
      ids[i] = leases.get(i).jobId();
      tokens[i] = leases.get(i).token();
    }
    PreparedStatement ps = s.prepare(dialect.heartbeatAll());
    ps.setLong(1, millis(expires));
    dialect.bindIds(ps, 2, rids);
    dialect.bindTexts(ps, 3, ids);
    dialect.bindTexts(ps, 4, tokens);
    Map<Long, LeaseStatus> live = HashMap.newHashMap(n);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        live.put(
            rs.getLong(1), rs.getInt(2) != 0 ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.ACTIVE);
      }
    }
    List<LeaseStatus> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      LeaseStatus status = live.get(rids[i]);
      out.add(status == null ? LeaseStatus.LOST : status);
    }
    return out;
  }

  /** Fewer leases than this sharing a result are completed one statement each. */
  static final int SAME_AT_LEAST = 4;

  /**
   * A batch of completions made ready to run, before the write transaction, so that the Java work
   * (grouping, the bound lists) is not done while holding the writer: in one statement where the
   * dialect has one ({@link Dialect#completeAll}), or in one statement per result that several
   * share ({@link Dialect#completeSame}) and one each for the rest.
   */
  static Completing completing(Dialect dialect, List<Completion> completions) {
    long[] rids = rowsOf(completions);
    if (rids.length < 2) {
      return new Completing(completions, rids, null, List.of());
    }
    if (dialect.completeAll() != null) {
      return new Completing(completions, rids, allRows(dialect, completions, rids), List.of());
    }
    if (dialect.completeSame() == null) {
      return new Completing(completions, rids, null, List.of());
    }
    return new Completing(completions, rids, null, sameResults(dialect, completions, rids));
  }

  /**
   * The row ids of the completions' leases, in order. The batch's loops are methods of their own,
   * here and below, so that an on-stack compile of a loop is of the loop, not of the whole method.
   */
  private static long[] rowsOf(List<Completion> completions) {
    int n = completions.size();
    long[] rids = new long[n];
    for (int i = 0; i < n; i++) {
      rids[i] = Leasing.rowOf(completions.get(i).lease());
    }
    return rids;
  }

  /** The completions bound for {@link Dialect#completeAll}. */
  private static Dialect.Binding allRows(
      Dialect dialect, List<Completion> completions, long[] rids) {
    int n = rids.length;
    String[] ids = new String[n];
    String[] tokens = new String[n];
    String[] results = new String[n];
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      ids[i] = c.lease().jobId();
      tokens[i] = c.lease().token();
      results[i] = c.result();
    }
    return dialect.completions(rids, ids, tokens, results);
  }

  /**
   * The completions of a batch grouped by the result they share, for {@link Dialect#completeSame}:
   * those of a result that {@link #SAME_AT_LEAST} share, leaving out tokens this broker did not
   * issue (a token and its job id are paired with a tab). A row listed twice is not looked for
   * here: its statement then completes fewer rows than it was given, and the batch is completed one
   * by one ({@link #completeSame}), as it would have been.
   */
  private static List<Same> sameResults(
      Dialect dialect, List<Completion> completions, long[] rids) {
    String first = completions.get(0).result();
    if (allShare(first, completions)) { // the usual batch: every job returned the same result
      int[] at = pairableAt(completions);
      return at.length < SAME_AT_LEAST
          ? List.of()
          : List.of(same(dialect, first, at, completions, rids));
    }
    return byResult(dialect, completions, rids);
  }

  /** True if every completion's result is {@code first} (or every one has none). */
  private static boolean allShare(String first, List<Completion> completions) {
    int n = completions.size();
    for (int i = 1; i < n; i++) {
      if (!Objects.equals(first, completions.get(i).result())) {
        return false;
      }
    }
    return true;
  }

  /** The positions of the {@link #pairable} completions, in order. */
  private static int[] pairableAt(List<Completion> completions) {
    int n = completions.size();
    int[] at = new int[n];
    int k = 0;
    for (int j = 0; j < n; j++) {
      if (pairable(completions.get(j))) {
        at[k++] = j;
      }
    }
    return k == n ? at : Arrays.copyOf(at, k);
  }

  /** {@link #sameResults} of a batch whose results differ: one group per shared result. */
  private static List<Same> byResult(Dialect dialect, List<Completion> completions, long[] rids) {
    int n = completions.size();
    Map<String, List<Integer>> byResult = new LinkedHashMap<>();
    for (int j = 0; j < n; j++) {
      if (pairable(completions.get(j))) {
        String result = completions.get(j).result(); // null: no result
        byResult.computeIfAbsent(result, r -> new ArrayList<>()).add(j);
      }
    }
    List<Same> same = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : byResult.entrySet()) {
      List<Integer> at = e.getValue();
      if (at.size() >= SAME_AT_LEAST) {
        int[] indexes = new int[at.size()];
        for (int k = 0; k < indexes.length; k++) {
          indexes[k] = at.get(k);
        }
        same.add(same(dialect, e.getKey(), indexes, completions, rids));
      }
    }
    return same;
  }

  /** True if {@code c}'s token may be paired with its job id: one this broker could have issued. */
  private static boolean pairable(Completion c) {
    String token = c.lease().token();
    return token != null && token.indexOf('\t') < 0;
  }

  /** The completions at {@code at}, which share {@code result}, bound for one statement. */
  private static Same same(
      Dialect dialect, String result, int[] at, List<Completion> completions, long[] rids) {
    long[] sameRids = new long[at.length];
    String[] tokens = new String[at.length];
    String[] ids = new String[at.length];
    for (int k = 0; k < at.length; k++) {
      LeaseRef lease = completions.get(at[k]).lease();
      sameRids[k] = rids[at[k]];
      tokens[k] = lease.token();
      ids[k] = lease.jobId();
    }
    return new Same(result, at, dialect.sameResult(sameRids, tokens, ids));
  }

  /**
   * Completions ready to run: their row ids; the bound batch of {@link Dialect#completeAll}, or
   * null; the groups that share a result ({@link Dialect#completeSame}), the rest one each.
   */
  record Completing(
      List<Completion> completions, long[] rids, Dialect.Binding rows, List<Same> same) {}

  /** Completions that share {@code result}, at {@code at} in the batch, and their bound leases. */
  record Same(String result, int[] at, Dialect.Binding leases) {}

  /** Completes a batch made by {@link #completing}; one applied flag per completion, in order. */
  static List<Boolean> complete(Session s, Dialect dialect, Completing batch, Instant now)
      throws SQLException {
    if (batch.rows() != null) {
      return completeAll(s, dialect, batch, now);
    }
    if (!batch.same().isEmpty()) {
      List<Boolean> applied = completeSame(s, dialect, batch, now);
      if (applied != null) {
        return applied;
      }
    }
    return completeEach(s, batch.completions(), now);
  }

  private static List<Boolean> completeEach(Session s, List<Completion> completions, Instant now)
      throws SQLException {
    PreparedStatement ps = s.prepare(COMPLETE);
    for (Completion c : completions) {
      ps.setString(1, c.result());
      ps.setLong(2, millis(now));
      bindLease(ps, 3, c.lease());
      ps.addBatch();
    }
    return applied(ps.executeBatch());
  }

  /**
   * One statement per shared result, one each for the rest; or null, with nothing changed, when a
   * statement completed fewer leases than it was given (a lease lost, or given with another job's
   * id), for the caller to complete one by one, each on its own terms.
   */
  private static List<Boolean> completeSame(
      Session s, Dialect dialect, Completing batch, Instant now) throws SQLException {
    List<Completion> completions = batch.completions();
    int n = completions.size();
    Boolean[] applied = new Boolean[n];
    s.execute("SAVEPOINT semafor_complete");
    boolean mismatch = false;
    int covered = 0;
    PreparedStatement ps = s.prepare(dialect.completeSame());
    for (Same same : batch.same()) {
      ps.setString(1, same.result());
      ps.setLong(2, millis(now));
      same.leases().bind(ps, 3);
      if (ps.executeUpdate() != same.at().length) {
        mismatch = true;
        break;
      }
      markApplied(applied, same.at());
      covered += same.at().length;
    }
    if (mismatch) {
      s.execute("ROLLBACK TO semafor_complete");
      s.execute("RELEASE semafor_complete");
      return null;
    }
    s.execute("RELEASE semafor_complete");
    if (covered == n) { // the usual batch: one statement completed every lease
      return new ArrayList<>(Collections.nCopies(n, Boolean.TRUE));
    }
    List<Completion> rest = notApplied(completions, applied);
    List<Boolean> restApplied = rest.isEmpty() ? List.of() : completeEach(s, rest, now);
    return merged(applied, restApplied);
  }

  /** Marks the completions at {@code at} applied. */
  private static void markApplied(Boolean[] applied, int[] at) {
    for (int i : at) {
      applied[i] = true;
    }
  }

  /** The completions not yet applied (null in {@code applied}), in order. */
  private static List<Completion> notApplied(List<Completion> completions, Boolean[] applied) {
    List<Completion> rest = new ArrayList<>();
    for (int i = 0; i < applied.length; i++) {
      if (applied[i] == null) {
        rest.add(completions.get(i));
      }
    }
    return rest;
  }

  /** {@code applied}, its nulls filled in order from {@code restApplied}. */
  private static List<Boolean> merged(Boolean[] applied, List<Boolean> restApplied) {
    List<Boolean> out = new ArrayList<>(applied.length);
    int next = 0;
    for (Boolean a : applied) {
      out.add(a != null ? a : restApplied.get(next++));
    }
    return out;
  }

  /** One statement for the batch ({@link Dialect#completeAll}); applied where a row came back. */
  private static List<Boolean> completeAll(
      Session s, Dialect dialect, Completing batch, Instant now) throws SQLException {
    long[] rids = batch.rids();
    int n = rids.length;
    PreparedStatement ps = s.prepare(dialect.completeAll());
    ps.setLong(1, millis(now));
    batch.rows().bind(ps, 2);
    Set<Long> done = HashSet.newHashSet(n);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        done.add(rs.getLong(1));
      }
    }
    List<Boolean> out = new ArrayList<>(n);
    Set<Long> counted = HashSet.newHashSet(n);
    for (long rid : rids) {
      out.add(done.contains(rid) && counted.add(rid)); // a lease listed twice applies once
    }
    return out;
  }

  /**
   * Records failures: {@code DEAD} (or {@code CANCELLED} for a cancelled attempt; finished now)
   * without a retry time; else waiting for the retry, {@code QUEUED} at once if that time has
   * already come, {@code SCHEDULED} if not.
   */
  static List<Boolean> fail(Session s, List<Failure> failures, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(FAIL);
    for (Failure f : failures) {
      Instant retryAt = f.retryAt();
      JobState next =
          retryAt == null
              ? (f.cancelled() ? JobState.CANCELLED : JobState.DEAD)
              : retryAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED;
      ps.setString(1, next.name());
      JobRows.setMillis(ps, 2, retryAt == null ? null : millis(retryAt));
      JobRows.setMillis(ps, 3, retryAt == null ? millis(now) : null);
      ps.setString(4, f.error() == null ? null : f.error().type());
      ps.setString(5, f.error() == null ? null : f.error().message());
      ps.setString(6, f.error() == null ? null : f.error().stackTrace());
      bindLease(ps, 7, f.lease());
      ps.addBatch();
    }
    return applied(ps.executeBatch());
  }

  /**
   * Puts leased jobs back in line, as if never leased: the attempt is not counted. A job whose
   * cancellation was requested while it was leased becomes {@code CANCELLED} (finished now).
   */
  static void release(Session s, List<LeaseRef> leases, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(RELEASE);
    for (LeaseRef ref : leases) {
      ps.setLong(1, millis(now));
      bindLease(ps, 2, ref);
      ps.addBatch();
    }
    ps.executeBatch();
  }

  /** Marks leased jobs started; stale tokens match nothing. */
  static void markStarted(Session s, List<LeaseRef> leases) throws SQLException {
    PreparedStatement ps = s.prepare(MARK_STARTED);
    for (LeaseRef ref : leases) {
      bindLease(ps, 1, ref);
      ps.addBatch();
    }
    ps.executeBatch();
  }

  static void progress(Session s, LeaseRef lease, double fraction, String message)
      throws SQLException {
    PreparedStatement ps = s.prepare(PROGRESS);
    ps.setDouble(1, Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction)));
    ps.setString(2, message);
    bindLease(ps, 3, lease);
    ps.executeUpdate();
  }

  /** Binds a lease to {@code rid = ? AND id = ? AND lease_token = ?} at {@code index}. */
  private static void bindLease(PreparedStatement ps, int index, LeaseRef ref) throws SQLException {
    ps.setLong(index, Leasing.rowOf(ref));
    ps.setString(index + 1, ref.jobId());
    ps.setString(index + 2, ref.token());
  }

  private static List<Boolean> applied(int[] counts) {
    List<Boolean> out = new ArrayList<>(counts.length);
    for (int n : counts) {
      out.add(n > 0);
    }
    return out;
  }
}
