package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.COLUMNS;
import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.UniquePolicy;
import dev.semafor.spi.Completion;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import dev.semafor.spi.ScheduleRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The job-control writes and reads of the JDBC broker, each inside the caller's transaction: unique
 * keys at enqueue, groups and chords, a chain's next steps, schedule ticks and cancel requests.
 * (The limits are in {@link LeaseLimits}.)
 *
 * <h2>Groups</h2>
 *
 * A group is a row of {@value #GROUPS} (size, remaining, failed, the callback's template as JSON).
 * Each member's success decrements {@code remaining} with an {@code UPDATE ... RETURNING} in the
 * same transaction as the success, so the writes of two workers finishing the last two members are
 * ordered by the database, and exactly one of them reads 0 and stores the callback, whose input is
 * the members' results read in member order. A member that ends dead or cancelled fails the group
 * through the trigger {@code semafor_group_failed}, whichever statement ended it.
 */
final class JobControl {
  static final String RATE_STARTS = "semafor_rate_starts";
  static final String GROUPS = "semafor_groups";
  static final String SCHEDULES = "semafor_schedules";

  static final String ACTIVE_WITH_KEY =
      "SELECT "
          + COLUMNS
          + ", rid FROM "
          + TABLE
          + " WHERE unique_key = ? AND state IN ('SCHEDULED', 'QUEUED', 'RUNNING') LIMIT 1";
  private static final String INSERT_UNLESS_KEY_HELD =
      JobRows.INSERT
          + " ON CONFLICT (unique_key) WHERE "
          + SchemaSteps.ACTIVE_UNIQUE_KEY
          + " DO NOTHING";
  private static final String REPLACE =
      "UPDATE "
          + TABLE
          + " SET state = 'CANCELLED', finished_at = ?, error_type = 'dev.semafor.Replaced',"
          + " error_message = ?, error_stack = '' WHERE rid = ? AND state IN ('SCHEDULED', 'QUEUED')";
  private static final String GROUP_EXISTS = "SELECT 1 FROM " + GROUPS + " WHERE id = ?";
  private static final String INSERT_GROUP =
      "INSERT INTO " + GROUPS + " (id, size, remaining, failed, callback) VALUES (?, ?, ?, ?, ?)";
  private static final String COUNT_DOWN =
      "UPDATE "
          + GROUPS
          + " SET remaining = remaining - 1 WHERE id = ? AND remaining > 0"
          + " RETURNING remaining, failed, callback";
  static final String RESULTS =
      "SELECT result FROM " + TABLE + " WHERE group_id = ? ORDER BY group_index";

  /**
   * Whether any group member has a row id in a range: one probe of {@code semafor_jobs_member},
   * which holds the group members only, so a batch of completions with no member among them costs
   * one look instead of one table lookup per job.
   */
  static final String ANY_MEMBER_BETWEEN =
      "SELECT 1 FROM " + TABLE + " WHERE group_id IS NOT NULL AND rid BETWEEN ? AND ? LIMIT 1";

  private static final String MEMBERS_AMONG = " AND group_id IS NOT NULL ORDER BY rid";
  private static final String CLAIM =
      "INSERT INTO "
          + SCHEDULES
          + " (name, cron, zone, task, queue, last_tick, next_tick) VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET cron = excluded.cron, zone = excluded.zone,"
          + " task = excluded.task, queue = excluded.queue, last_tick = excluded.last_tick,"
          + " next_tick = excluded.next_tick"
          + " WHERE "
          + SCHEDULES
          + ".last_tick IS NULL"
          + " OR "
          + SCHEDULES
          + ".last_tick < excluded.last_tick";
  static final String SCHEDULE_LIST =
      "SELECT name, cron, zone, task, queue, last_tick, next_tick FROM "
          + SCHEDULES
          + " ORDER BY name";
  static final String CANCEL_REQUESTED =
      "SELECT id FROM "
          + TABLE
          + " WHERE state = 'RUNNING' AND cancel_requested = 1 AND worker_id = ?";

  /** Finished jobs may be pruned unless their group still waits for results. */
  static final String PRUNABLE =
      " AND (group_id IS NULL OR group_id NOT IN (SELECT id FROM "
          + GROUPS
          + " WHERE remaining > 0 AND failed = 0))";

  private static final String FORGET_GROUPS =
      "DELETE FROM "
          + GROUPS
          + " WHERE (remaining = 0 OR failed = 1) AND NOT EXISTS (SELECT 1 FROM "
          + TABLE
          + " j WHERE j.group_id = "
          + GROUPS
          + ".id)";
  private static final String FAIL_GROUPS =
      "UPDATE "
          + GROUPS
          + " SET failed = 1 WHERE remaining > 0 AND failed = 0 AND EXISTS (SELECT 1 FROM "
          + TABLE
          + " j WHERE j.group_id = "
          + GROUPS
          + ".id AND j.state IN ('DEAD', 'CANCELLED'))";
  private static final String FORGET_STARTS =
      "DELETE FROM " + RATE_STARTS + " WHERE expires_at <= ?";

  private JobControl() {}

  /**
   * Stores jobs one by one, honouring unique keys (see {@link dev.semafor.spi.Broker#enqueue});
   * returns what {@code enqueue} returns: per job, the stored job or the existing one kept in its
   * place.
   */
  static List<JobRecord> enqueueUnique(Session s, List<JobRecord> jobs, Instant now)
      throws SQLException {
    List<JobRecord> out = new ArrayList<>(jobs.size());
    PreparedStatement insert = s.prepare(JobRows.INSERT);
    for (JobRecord job : jobs) {
      if (job.uniqueKey() == null) {
        JobRows.bindInsert(insert, job);
        insert.executeUpdate();
        out.add(job);
      } else {
        out.add(enqueueUnique(s, job, now));
      }
    }
    return out;
  }

  /**
   * Stores one job with a unique key, or returns the job that holds the key. The insert itself
   * checks the key ({@code ON CONFLICT} on the partial UNIQUE index), so two writers cannot both
   * store under one key; a writer that finds the key held by a job that ends before it can be read,
   * or that another writer replaces first, tries again.
   */
  private static JobRecord enqueueUnique(Session s, JobRecord job, Instant now)
      throws SQLException {
    PreparedStatement insert = s.prepare(INSERT_UNLESS_KEY_HELD);
    while (true) {
      JobRows.bindInsert(insert, job);
      if (insert.executeUpdate() > 0) {
        return job;
      }
      Active existing = active(s, job.uniqueKey());
      if (existing == null) {
        continue; // the holder ended between the insert and the look
      }
      if (job.uniquePolicy() != UniquePolicy.REPLACE || !existing.job().state().isWaiting()) {
        return existing.job();
      }
      PreparedStatement replace = s.prepare(REPLACE);
      replace.setLong(1, millis(now));
      replace.setString(2, "replaced by job " + job.id() + " (unique key " + job.uniqueKey() + ")");
      replace.setLong(3, existing.rid());
      replace.executeUpdate(); // if another writer leased or replaced it first, the loop sees that
    }
  }

  private record Active(long rid, JobRecord job) {}

  private static Active active(Session s, String uniqueKey) throws SQLException {
    PreparedStatement ps = s.prepare(ACTIVE_WITH_KEY);
    ps.setString(1, uniqueKey);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new Active(rs.getLong(JobRows.COLUMN_COUNT + 1), JobRows.read(rs)) : null;
    }
  }

  /**
   * The members of {@code group} as they will be stored (normalized at {@code now}), after checking
   * that each carries the group's id and its index and that they are as many as the group's size.
   */
  static List<JobRecord> checkGroup(GroupRecord group, List<JobRecord> members, Instant now) {
    group.checkMembers(members);
    List<JobRecord> stored = new ArrayList<>(members.size());
    for (JobRecord m : members) {
      stored.add(JobRows.normalize(m, now));
    }
    return stored;
  }

  /** Stores a group and its members (already checked and normalized). */
  static void enqueueGroup(Session s, GroupRecord group, List<JobRecord> members)
      throws SQLException {
    PreparedStatement exists = s.prepare(GROUP_EXISTS);
    exists.setString(1, group.id());
    try (ResultSet rs = exists.executeQuery()) {
      if (rs.next()) {
        throw new IllegalArgumentException("a group with id " + group.id() + " already exists");
      }
    }
    PreparedStatement ps = s.prepare(INSERT_GROUP);
    ps.setString(1, group.id());
    ps.setInt(2, group.size());
    ps.setInt(3, group.remaining());
    ps.setInt(4, group.failed() ? 1 : 0);
    ps.setString(5, group.callback() == null ? null : group.callback().toJson());
    ps.executeUpdate();
    PreparedStatement insert = s.prepare(JobRows.INSERT);
    for (JobRecord m : members) {
      JobRows.bindInsert(insert, m);
      insert.addBatch();
    }
    insert.executeBatch();
  }

  /**
   * What follows the applied completions, in their transaction: each one's {@code then} jobs
   * (skipped if their id exists), and for each group member its group's count-down, the last one
   * storing the chord's callback. {@code rids} are the completions' row ids ({@link
   * Leasing#rowOf}), in order.
   */
  static void afterSuccess(
      Session s,
      Dialect dialect,
      List<Completion> completions,
      long[] rids,
      List<Boolean> applied,
      Instant now)
      throws SQLException {
    long[] done = new long[completions.size()];
    int n = appliedRows(s, completions, rids, applied, now, done);
    if (n == 0 || !anyMemberAmong(s, done, n)) {
      return; // most completions are of no group
    }
    countDownGroups(s, dialect, done, n, now);
  }

  /**
   * Puts the row ids of the applied completions in {@code done}, in order, and stores the next
   * steps of their chains; returns how many. The batch's loop is a method of its own, so that an
   * on-stack compile of it is of the loop, not of the whole of {@link #afterSuccess}.
   */
  private static int appliedRows(
      Session s,
      List<Completion> completions,
      long[] rids,
      List<Boolean> applied,
      Instant now,
      long[] done)
      throws SQLException {
    int n = 0;
    for (int i = 0; i < rids.length; i++) {
      if (applied.get(i)) {
        done[n++] = rids[i];
        List<JobRecord> then = completions.get(i).then();
        if (!then.isEmpty()) {
          storeThen(s, then, now);
        }
      }
    }
    return n;
  }

  /** Stores a chain's next steps (each once: a step already there is left as it is). */
  private static void storeThen(Session s, List<JobRecord> then, Instant now) throws SQLException {
    PreparedStatement insert = s.prepare(JobRows.INSERT_IF_ABSENT);
    for (JobRecord next : then) {
      JobRows.bindInsert(insert, JobRows.normalize(next, now));
      insert.executeUpdate();
    }
  }

  /** Counts down the groups that the first {@code n} rows of {@code done} are members of. */
  private static void countDownGroups(Session s, Dialect dialect, long[] done, int n, Instant now)
      throws SQLException {
    PreparedStatement members =
        s.prepare(
            "SELECT group_id FROM " + TABLE + " WHERE " + dialect.inIds("rid") + MEMBERS_AMONG);
    dialect.bindIds(members, 1, java.util.Arrays.copyOf(done, n));
    List<String> groups = new ArrayList<>();
    try (ResultSet rs = members.executeQuery()) {
      while (rs.next()) {
        groups.add(rs.getString(1));
      }
    }
    for (String groupId : groups) {
      countDown(s, groupId, now);
    }
  }

  /**
   * False if no group member has a row id between the lowest and the highest of {@code rids}: then
   * none of them is a member. The index is kept by the database, so this holds whoever stored or
   * completed the jobs.
   */
  private static boolean anyMemberAmong(Session s, long[] rids, int n) throws SQLException {
    PreparedStatement ps = s.prepare(ANY_MEMBER_BETWEEN);
    ps.setLong(1, lowest(rids, n));
    ps.setLong(2, highest(rids, n));
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** The lowest of the first {@code n} (at least one) of {@code rids}. */
  private static long lowest(long[] rids, int n) {
    long low = rids[0];
    for (int i = 1; i < n; i++) {
      low = Math.min(low, rids[i]);
    }
    return low;
  }

  /** The highest of the first {@code n} (at least one) of {@code rids}. */
  private static long highest(long[] rids, int n) {
    long high = rids[0];
    for (int i = 1; i < n; i++) {
      high = Math.max(high, rids[i]);
    }
    return high;
  }

  private static void countDown(Session s, String groupId, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(COUNT_DOWN);
    ps.setString(1, groupId);
    String callback;
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next() || rs.getInt(1) != 0 || rs.getInt(2) != 0) {
        return;
      }
      callback = rs.getString(3);
    }
    if (callback == null) {
      return;
    }
    List<String> results = new ArrayList<>();
    PreparedStatement read = s.prepare(RESULTS);
    read.setString(1, groupId);
    try (ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        results.add(rs.getString(1));
      }
    }
    JobRecord job = JobTemplate.fromJson(callback).toRecord(GroupRecord.resultsArray(results), now);
    PreparedStatement insert = s.prepare(JobRows.INSERT_IF_ABSENT);
    JobRows.bindInsert(insert, JobRows.normalize(job, now));
    insert.executeUpdate();
  }

  /** See {@link dev.semafor.spi.Broker#claimTick}. */
  static boolean claimTick(Session s, ScheduleRecord r, Instant tick, JobRecord job)
      throws SQLException {
    PreparedStatement ps = s.prepare(CLAIM);
    ps.setString(1, r.name());
    ps.setString(2, r.cron());
    ps.setString(3, r.zone().getId());
    ps.setString(4, r.task());
    ps.setString(5, r.queue());
    ps.setLong(6, millis(tick));
    JobRows.setMillis(ps, 7, r.nextTick() == null ? null : millis(r.nextTick()));
    if (ps.executeUpdate() == 0) {
      return false;
    }
    if (job != null) {
      PreparedStatement insert = s.prepare(JobRows.INSERT);
      JobRows.bindInsert(insert, job);
      insert.executeUpdate();
    }
    return true;
  }

  static List<ScheduleRecord> schedules(Session s) throws SQLException {
    List<ScheduleRecord> out = new ArrayList<>();
    try (ResultSet rs = s.prepare(SCHEDULE_LIST).executeQuery()) {
      while (rs.next()) {
        out.add(
            new ScheduleRecord(
                rs.getString(1),
                rs.getString(2),
                ZoneId.of(rs.getString(3)),
                rs.getString(4),
                rs.getString(5),
                instant(rs, 6),
                instant(rs, 7)));
      }
    }
    return out;
  }

  static List<String> cancelRequested(Session s, String workerId) throws SQLException {
    PreparedStatement ps = s.prepare(CANCEL_REQUESTED);
    ps.setString(1, workerId);
    List<String> ids = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** Marks failed every open group with a member that ended dead or cancelled. */
  static void failGroups(Session s) throws SQLException {
    s.prepare(FAIL_GROUPS).executeUpdate();
  }

  /** After a prune: forgets groups that are done and have no members left, and old rate starts. */
  static void forgetFinished(Session s, Instant now) throws SQLException {
    s.prepare(FORGET_GROUPS).executeUpdate();
    PreparedStatement ps = s.prepare(FORGET_STARTS);
    ps.setLong(1, millis(now));
    ps.executeUpdate();
  }

  private static Instant instant(ResultSet rs, int index) throws SQLException {
    long value = rs.getLong(index);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
