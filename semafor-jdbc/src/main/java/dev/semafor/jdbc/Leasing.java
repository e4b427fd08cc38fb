package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How jobs are handed out and taken back: {@link #lease} and {@link #reap}. Both run inside the
 * caller's write transaction, which makes them atomic across threads and processes.
 *
 * <h2>Lease</h2>
 *
 * <ol>
 *   <li>Scheduled jobs whose run-at has come become {@code QUEUED} (one range over the partial
 *       index {@code semafor_jobs_due}; nothing is read when nothing is due). On PostgreSQL this
 *       statement goes to the server with the first look for candidates, as one request. From here
 *       on a waiting job is due exactly when it is {@code QUEUED}.
 *   <li>For each queue in the request's order, candidates are read from the partial index {@code
 *       semafor_jobs_ready} (queue, priority desc, id), which holds waiting jobs only (none of a
 *       paused queue, {@link PausedQueues}): finished jobs, however many, are never looked at. A
 *       request that names the worker's tasks reads only jobs of those tasks (one bound list,
 *       checked per row on the same index walk: nothing more is read in the usual case, where every
 *       waiting job is of a task the worker has). A candidate with a concurrency or rate key is
 *       taken only while its limits allow ({@link LeaseLimits}); one at a limit is skipped, and the
 *       next page is read past it, so a blocked key never starves the jobs behind it.
 *   <li>One {@code UPDATE ... RETURNING} marks all chosen rows {@code RUNNING} and returns them
 *       (where the records are read after the commit, {@link Dialect#readsLeasedAfterCommit}, a
 *       plain {@code UPDATE} that returns nothing). Each lease's token is the call's token prefix
 *       and the row id: unique per attempt, and made by the database, not per row in Java.
 * </ol>
 *
 * <p>The common case is therefore three statements per batch, whatever the batch size.
 *
 * <p>Before all that, the broker asks {@link #anyDue} on its reader connection whether there is
 * anything to lease at all: idle workers polling an empty queue then never take the write lock,
 * which matters when several processes share one SQLite file. Right after a lease that took all it
 * was asked for, it does not ask: the queues are likely to hold more.
 */
final class Leasing {
  private static final int SKIP_PAGE = 256;

  static final String ANY_DUE =
      "SELECT 1 FROM " + TABLE + " WHERE state = 'SCHEDULED' AND run_at <= ? LIMIT 1";
  static final String ANY_QUEUED =
      "SELECT 1 FROM "
          + TABLE
          + " WHERE queue = ? AND state = 'QUEUED' AND "
          + PausedQueues.NOT_PAUSED
          + " LIMIT 1";

  static final String RUNNING_WITH_KEY = LeaseLimits.RUNNING_WITH_KEY;

  /** A lease whose expiry is re-checked in the statement that ends it: a heartbeat may have won. */
  static final String REAP =
      "UPDATE "
          + TABLE
          + " SET state = ?, run_at = COALESCE(?, run_at), finished_at = ?, error_type = ?,"
          + " error_message = ?, error_stack = '', lease_expires_at = NULL, lease_token = NULL"
          + " WHERE rid = ? AND state = 'RUNNING' AND lease_expires_at <= ?";

  /** Due scheduled jobs become queued; rows another writer is promoting are left to it. */
  final String promote;

  /** Expired leases, locked against heartbeats until the reap commits; locked ones are skipped. */
  final String expired;

  final String candidates;

  /** {@link #candidates} of the tasks a request names only. */
  final String candidatesOfTasks;

  final String take;

  /**
   * The records of rows just leased under a token prefix, read after the lease's commit ({@link
   * Dialect#readsLeasedAfterCommit}): the rows still under their token of this lease only (the
   * token compared by the database, not read).
   */
  final String leased;

  /**
   * {@link #promote} then {@link #candidates} (or {@link #candidatesOfTasks}) as one request, on a
   * database that runs several statements sent together ({@link Dialect#runsStatementsTogether}),
   * or null: the lease's first look for candidates then costs no round trip of its own.
   */
  private final String promoteThenCandidates;

  private final String promoteThenCandidatesOfTasks;

  /** The common lease in one statement, or null ({@link Dialect#leasesAtOnce}). */
  private final LeaseAtOnce atOnce;

  private final Dialect dialect;

  Leasing(Dialect dialect) {
    this.dialect = dialect;
    this.promote =
        "UPDATE "
            + TABLE
            + " SET state = 'QUEUED' WHERE rid IN ("
            + dialect.lockCandidates(
                "SELECT rid FROM " + TABLE + " WHERE state = 'SCHEDULED' AND run_at <= ?")
            + ")";
    this.expired =
        dialect.lockCandidates(
            "SELECT rid, lease_expires_at, worker_id, attempts, max_attempts, cancel_requested"
                + " FROM "
                + TABLE
                + " WHERE state = 'RUNNING' AND lease_expires_at <= ?");
    // The second column says whether the others are to be read at all: one native call per
    // candidate instead of two for the keys that the usual job does not have.
    String select =
        "SELECT rid, concurrency_key IS NOT NULL OR rate_key IS NOT NULL, concurrency_key,"
            + " concurrency_limit, rate_key, rate_permits, rate_period_ms FROM "
            + TABLE
            + " WHERE queue = ? AND state = 'QUEUED' AND "
            + PausedQueues.NOT_PAUSED;
    String order = " ORDER BY priority DESC, id LIMIT ? OFFSET ?";
    this.candidates = dialect.lockCandidates(select + order);
    this.candidatesOfTasks =
        dialect.lockCandidates(select + " AND " + dialect.inNames("task") + order);
    this.take =
        "UPDATE "
            + TABLE
            + " SET state = 'RUNNING', attempts = attempts + 1, started_at = ?,"
            + " lease_expires_at = ?, worker_id = ?, lease_token = ? || CAST(rid AS TEXT),"
            + " cancel_requested = 0, started = 0 WHERE "
            + dialect.inIds("rid")
            + " AND state = 'QUEUED'"
            // Read after the commit: nothing returned, since a RETURNING clause makes SQLite load
            // every column of each old row (~a fifth of the statement's work), and the read
            // after the commit tells by its token which row this lease took.
            + (dialect.readsLeasedAfterCommit()
                ? ""
                : " RETURNING " + JobRows.leasedColumns(dialect));
    this.leased =
        "SELECT "
            + JobRows.leasedPacked(dialect)
            + " FROM "
            + TABLE
            + " WHERE "
            + dialect.inIds("rid")
            + " AND lease_token = ? || CAST(rid AS TEXT)";
    boolean together = dialect.runsStatementsTogether();
    this.promoteThenCandidates = together ? promote + "; " + candidates : null;
    this.promoteThenCandidatesOfTasks = together ? promote + "; " + candidatesOfTasks : null;
    if (dialect.leasesAtOnce() && dialect.readsLeasedAfterCommit()) {
      // LeaseAtOnce reads the records from the lease statement, which then returns none
      throw new IllegalArgumentException("a dialect that leases at once reads in the statement");
    }
    this.atOnce = dialect.leasesAtOnce() ? new LeaseAtOnce(dialect, promote, take) : null;
  }

  /**
   * Whether a lease may find something: a job queued in one of {@code queues} not paused, or any
   * scheduled job come due. Two index probes; run before the write transaction, so it may be stale
   * by the time the lease runs, which only costs an empty lease.
   */
  boolean anyDue(Session s, List<String> queues, Instant now) throws SQLException {
    PreparedStatement due = s.prepare(ANY_DUE);
    due.setLong(1, millis(now));
    try (ResultSet rs = due.executeQuery()) {
      if (rs.next()) {
        return true;
      }
    }
    PreparedStatement queued = s.prepare(ANY_QUEUED);
    for (String queue : queues) {
      queued.setString(1, queue);
      try (ResultSet rs = queued.executeQuery()) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Leases up to {@code request.max()} due jobs, in lease order: in one statement where the dialect
   * can and nothing stands in the way ({@link LeaseAtOnce}), else step by step.
   */
  Taken lease(Session s, LeaseRequest request, Instant now, String tokenPrefix)
      throws SQLException {
    if (atOnce == null) {
      return leaseStepByStep(s, request, now, tokenPrefix);
    }
    LeaseAtOnce.Outcome first = atOnce.lease(s, request, now, tokenPrefix);
    if (first.stepsAside()) {
      return leaseStepByStep(s, request, now, tokenPrefix);
    }
    List<String> queues = request.queues();
    int left = request.max() - first.leases().size();
    if (left == 0 || queues.size() == 1) {
      return Taken.read(first.leases());
    }
    List<Lease> leases = new ArrayList<>(first.leases()); // the first queue has no more
    LeaseRequest rest =
        new LeaseRequest(
            queues.subList(1, queues.size()),
            left,
            request.workerId(),
            request.duration(),
            request.tasks());
    leases.addAll(leaseStepByStep(s, rest, now, tokenPrefix).leases());
    return Taken.read(leases);
  }

  private Taken leaseStepByStep(Session s, LeaseRequest request, Instant now, String tokenPrefix)
      throws SQLException {
    boolean promoted = promoteThenCandidates == null && promote(s, now);
    Chosen chosen = new Chosen(Math.min(request.max(), 1024));
    LeaseLimits limits = new LeaseLimits(s, dialect, now);
    for (String queue : request.queues()) {
      promoted = chooseFrom(s, queue, request, now, promoted, limits, chosen);
      if (chosen.count >= request.max()) {
        break;
      }
    }
    if (!promoted) {
      promote(s, now); // no queue was looked at
    }
    if (chosen.count == 0) {
      return Taken.read(List.of());
    }
    limits.record();
    return take(s, Arrays.copyOf(chosen.rids, chosen.count), request, now, tokenPrefix);
  }

  /**
   * Chooses candidates of {@code queue}, page by page, until the request has all it asked for or
   * the queue has no more; returns true (a look for candidates promotes due jobs first where it was
   * not done yet, {@link #promoteThenCandidates}), or {@code promoted} if it did not look.
   */
  private boolean chooseFrom(
      Session s,
      String queue,
      LeaseRequest request,
      Instant now,
      boolean promoted,
      LeaseLimits limits,
      Chosen chosen)
      throws SQLException {
    int max = request.max();
    boolean all = request.tasks().isEmpty();
    int offset = 0;
    while (chosen.count < max) {
      int want = max - chosen.count;
      int page = offset == 0 ? want : Math.max(want, SKIP_PAGE);
      PreparedStatement ps;
      int at = 1;
      if (promoted) {
        ps = s.prepare(all ? candidates : candidatesOfTasks);
      } else {
        ps = s.prepare(all ? promoteThenCandidates : promoteThenCandidatesOfTasks);
        ps.setLong(at++, millis(now));
      }
      ps.setString(at++, queue);
      if (!all) {
        dialect.bindNames(ps, at++, request.tasks());
      }
      ps.setInt(at, page);
      ps.setInt(at + 1, offset);
      int seen;
      try (ResultSet rs = promoted ? ps.executeQuery() : afterPromote(ps)) {
        promoted = true;
        seen = choose(rs, limits, chosen, max);
      }
      if (seen < page) {
        break; // this queue has no more candidates
      }
      offset += seen;
    }
    return promoted;
  }

  /**
   * Chooses from a page of candidates while the request wants more; returns how many were seen. A
   * page's loop is a method of its own, so that an on-stack compile of it is of the loop only.
   */
  private static int choose(ResultSet rs, LeaseLimits limits, Chosen chosen, int max)
      throws SQLException {
    int seen = 0;
    while (chosen.count < max && rs.next()) {
      seen++;
      chooseRow(rs, limits, chosen);
    }
    return seen;
  }

  /** Chooses the candidate at {@code rs} unless a concurrency or rate limit stands in the way. */
  private static void chooseRow(ResultSet rs, LeaseLimits limits, Chosen chosen)
      throws SQLException {
    long rid = rs.getLong(1);
    if (!rs.getBoolean(2)
        || limits.tryTake(
            rs.getString(3), rs.getInt(4), rs.getString(5), rs.getInt(6), rs.getLong(7))) {
      chosen.add(rid);
    }
  }

  /** The row ids chosen so far by one lease, in lease order. */
  private static final class Chosen {
    long[] rids;
    int count;

    Chosen(int capacity) {
      rids = new long[capacity];
    }

    void add(long rid) {
      if (count == rids.length) {
        rids = Arrays.copyOf(rids, rids.length * 2);
      }
      rids[count++] = rid;
    }
  }

  /** Due scheduled jobs become queued. Returns true. */
  private boolean promote(Session s, Instant now) throws SQLException {
    PreparedStatement promoting = s.prepare(promote);
    promoting.setLong(1, millis(now));
    promoting.executeUpdate();
    return true;
  }

  /** The candidates of a {@link #promoteThenCandidates} statement: its second result. */
  private static ResultSet afterPromote(PreparedStatement ps) throws SQLException {
    ps.execute(); // the promotion's count
    if (!ps.getMoreResults()) {
      throw new SQLException("no candidates after the promotion");
    }
    return ps.getResultSet();
  }

  private Taken take(Session s, long[] rids, LeaseRequest request, Instant now, String tokenPrefix)
      throws SQLException {
    Instant started = Instant.ofEpochMilli(millis(now));
    Instant expires = Instant.ofEpochMilli(millis(now.plus(request.duration())));
    PreparedStatement ps = s.prepare(take);
    ps.setLong(1, millis(started));
    ps.setLong(2, millis(expires));
    ps.setString(3, request.workerId());
    ps.setString(4, tokenPrefix);
    dialect.bindIds(ps, 5, rids);
    if (dialect.readsLeasedAfterCommit()) {
      // Every candidate was read in this transaction, under the write lock, as QUEUED, so each is
      // taken; should one not be, the read after the commit finds it without this call's token
      // and leaves it out (records).
      ps.executeUpdate();
      return new Taken(
          List.of(),
          rids,
          request.workerId(),
          tokenPrefix,
          started,
          expires,
          request.queues().size() == 1 ? request.queues().getFirst() : null,
          request.tasks().size() == 1 ? request.tasks().iterator().next() : null);
    }
    Map<Long, Lease> byRid = HashMap.newHashMap(rids.length);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long rid = rs.getLong(JobRows.LEASED_RID);
        JobRecord job = JobRows.readLeased(rs, request.workerId(), started, expires);
        byRid.put(rid, new Lease(job, tokenPrefix + rid, expires));
      }
    }
    return Taken.read(inLeaseOrder(byRid, rids));
  }

  /**
   * What a lease's write transaction took: the leases themselves, or, where the dialect {@link
   * Dialect#readsLeasedAfterCommit reads them after the commit}, the rows taken, in lease order,
   * and what {@link #records} needs to build their leases: among it the queue and the task of every
   * job taken where the request named only one (else null), which are then not read.
   */
  record Taken(
      List<Lease> leases,
      long[] rids,
      String workerId,
      String tokenPrefix,
      Instant started,
      Instant expires,
      String queue,
      String task) {
    static Taken read(List<Lease> leases) {
      return new Taken(leases, null, null, null, null, null, null, null);
    }

    /** True when the leases are still to be read ({@link #records}). */
    boolean unread() {
      return rids != null && rids.length > 0;
    }

    /** How many jobs were taken. */
    int count() {
      return rids != null ? rids.length : leases.size();
    }
  }

  /**
   * The leases of rows {@code taken} committed, in lease order, read on a reader after the commit.
   * A leased row's record does not change while its lease is live but for what the lease holder
   * writes itself (and progress and a cancel request, read as they now stand); a row under another
   * token (its lease expired and was reaped meanwhile) is left out by the query, as a lease already
   * lost. A queue or task the request named alone is not read: each column read is a native call or
   * two, a text one also a buffer and a copy.
   */
  List<Lease> records(Session s, Taken taken) throws SQLException {
    PreparedStatement ps = s.prepare(leased);
    dialect.bindIds(ps, 1, taken.rids());
    ps.setString(2, taken.tokenPrefix());
    Map<Long, Lease> byRid;
    try (ResultSet rs = ps.executeQuery()) {
      byRid = readLeases(rs, taken);
    }
    return inLeaseOrder(byRid, taken.rids());
  }

  /**
   * The leases of a {@link #leased} query's rows, by row id. The loops of a batch are methods of
   * their own, each row's read one too, so that an on-stack compile is of a loop, not of the whole
   * of {@link #records}.
   */
  private static Map<Long, Lease> readLeases(ResultSet rs, Taken taken) throws SQLException {
    Map<Long, Lease> byRid = HashMap.newHashMap(taken.rids().length);
    while (rs.next()) {
      long rid = rs.getLong(JobRows.PACKED_RID);
      byRid.put(rid, readLease(rs, rid, taken));
    }
    return byRid;
  }

  /** The lease of the {@link #leased} row at {@code rs}, row {@code rid}. */
  private static Lease readLease(ResultSet rs, long rid, Taken taken) throws SQLException {
    return new Lease(JobRows.readPacked(rs, taken), taken.tokenPrefix() + rid, taken.expires());
  }

  /** The leases of {@code rids} found in {@code byRid}, in the order of {@code rids}. */
  private static List<Lease> inLeaseOrder(Map<Long, Lease> byRid, long[] rids) {
    List<Lease> leases = new ArrayList<>(byRid.size());
    for (long rid : rids) {
      Lease lease = byRid.get(rid);
      if (lease != null) {
        leases.add(lease);
      }
    }
    return leases;
  }

  /**
   * The row a lease token names (the digits after its last dot), or -1 for a token this broker did
   * not issue: statements then match no row, as for any stale token.
   */
  static long rowOf(LeaseRef ref) {
    String token = ref.token();
    int dot = token == null ? -1 : token.lastIndexOf('.');
    if (dot < 0) {
      return -1;
    }
    try {
      return Long.parseLong(token, dot + 1, token.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Returns every job whose lease has expired to its queue, or makes it {@code DEAD} when it has no
   * attempts left, or {@code CANCELLED} when its cancellation was requested; records why as the
   * job's error. Returns how many.
   */
  int reap(Session s, Instant now) throws SQLException {
    PreparedStatement find = s.prepare(expired);
    find.setLong(1, millis(now));
    PreparedStatement reap = s.prepare(REAP);
    int count = 0;
    try (ResultSet rs = find.executeQuery()) {
      while (rs.next()) {
        boolean cancel = rs.getInt(6) != 0;
        boolean retry = !cancel && rs.getInt(4) < rs.getInt(5);
        reap.setString(1, cancel ? "CANCELLED" : retry ? "QUEUED" : "DEAD");
        JobRows.setMillis(reap, 2, retry ? millis(now) : null);
        JobRows.setMillis(reap, 3, retry ? null : millis(now));
        reap.setString(4, "dev.semafor.LeaseExpired");
        reap.setString(
            5,
            "lease expired at "
                + Instant.ofEpochMilli(rs.getLong(2))
                + " (worker "
                + rs.getString(3)
                + " gone?)");
        reap.setLong(6, rs.getLong(1));
        reap.setLong(7, millis(now));
        reap.addBatch();
        count++;
      }
    }
    if (count == 0) {
      return 0;
    }
    int reaped = 0;
    for (int n : reap.executeBatch()) {
      reaped += Math.max(n, 0);
    }
    return reaped;
  }
}
