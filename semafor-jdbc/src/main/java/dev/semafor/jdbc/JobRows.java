package dev.semafor.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.JobRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;

/**
 * How a {@link JobRecord} maps to a row of {@code semafor_jobs}: times are epoch milliseconds,
 * durations milliseconds, the error is three columns (type, message, stack), the backoff three
 * (base, max, jitter), input and result are JSON text. Columns are read by position, in the order
 * of {@link #COLUMNS}, which every query selects.
 */
final class JobRows {
  static final String TABLE = "semafor_jobs";

  /** The job-control columns (schema version 3), last in every column list, in this order. */
  static final String CONTROL_COLUMNS =
      " unique_policy, rate_key, rate_permits, rate_period_ms, next_steps, group_id, group_index";

  /**
   * The job-control columns of a leased job folded into one: null for the common job that uses none
   * (one column read instead of seven), else a JSON array in {@link #CONTROL_COLUMNS} order.
   */
  private static String leasedControlColumn(Dialect dialect) {
    return " CASE WHEN unique_key IS NULL AND rate_key IS NULL AND next_steps IS NULL"
        + " AND group_id IS NULL THEN NULL ELSE "
        + dialect.jsonArray()
        + "(unique_policy, rate_key, rate_permits,"
        + " rate_period_ms, next_steps, group_id, group_index) END";
  }

  /** The columns every job query returns, in the order {@link #read} expects. */
  static final String COLUMNS =
      "id, task, queue, state, priority, input, result, error_type, error_message, error_stack,"
          + " attempts, max_attempts, backoff_base_ms, backoff_max_ms, backoff_jitter, timeout_ms,"
          + " run_at, enqueued_at, started_at, finished_at, lease_expires_at, worker_id,"
          + " unique_key, concurrency_key, concurrency_limit, progress, progress_message,"
          + " cancel_requested,"
          + CONTROL_COLUMNS
          + ", started";

  /** Position of the first of {@link #CONTROL_COLUMNS} in {@link #COLUMNS}. */
  private static final int CONTROL = 29;

  /** How many columns {@link #COLUMNS} names. */
  static final int COLUMN_COUNT = 36;

  /** Position of {@code started} in {@link #COLUMNS}. */
  private static final int STARTED = 36;

  /**
   * The columns a lease returns: those a waiting job may hold. The rest of a leased record (state,
   * start, expiry, worker, no result, no finish, no cancel request) follows from the lease itself,
   * and each column read costs a native call or two: reading eight fewer per job is a quarter off
   * the lease's cost.
   */
  static String leasedColumns(Dialect dialect) {
    return "id, task, queue, priority, input, error_type, error_message, error_stack,"
        + " attempts, max_attempts, backoff_base_ms, backoff_max_ms, backoff_jitter, timeout_ms,"
        + " run_at, enqueued_at, unique_key, concurrency_key, concurrency_limit, progress,"
        + " progress_message, rid,"
        + leasedControlColumn(dialect);
  }

  /**
   * The columns of a job just leased as {@link Leasing#records} reads them, after the lease's
   * commit: those every job has, then the row id and token, then the rest folded into one column
   * that is null for the common job, which has none of them (no error yet, no timeout, no keys or
   * limits, no progress message, no chain or group): sixteen columns read instead of thirty-odd.
   */
  static String leasedPacked(Dialect dialect) {
    return "id, task, queue, priority, input, attempts, max_attempts, backoff_base_ms,"
        + " backoff_max_ms, backoff_jitter, run_at, enqueued_at, rid, progress,"
        + " CASE WHEN error_type IS NULL AND timeout_ms IS NULL AND unique_key IS NULL"
        + " AND concurrency_key IS NULL AND concurrency_limit = 0"
        + " AND progress_message IS NULL AND unique_policy IS NULL AND rate_key IS NULL"
        + " AND rate_permits = 0 AND rate_period_ms IS NULL AND next_steps IS NULL"
        + " AND group_id IS NULL AND group_index = 0 THEN NULL ELSE "
        + dialect.jsonArray()
        + "(error_type, error_message, error_stack, timeout_ms, unique_key, concurrency_key,"
        + " concurrency_limit, progress_message, unique_policy, rate_key,"
        + " rate_permits, rate_period_ms, next_steps, group_id, group_index) END";
  }

  /** Position of {@code rid} in {@link #leasedPacked}. */
  static final int PACKED_RID = 13;

  private static final int PACKED_REST = 15;

  /**
   * Reads a job just leased (selected with {@link #leasedPacked}) as it now stands; its queue and
   * task where {@code taken} does not know them.
   */
  static JobRecord readPacked(ResultSet rs, Leasing.Taken taken) throws SQLException {
    String task = taken.task();
    String queue = taken.queue();
    JobRecord.Builder b =
        JobRecord.builder()
            .id(rs.getString(1))
            .task(task != null ? task : rs.getString(2))
            .queue(queue != null ? queue : rs.getString(3))
            .state(JobState.RUNNING)
            .priority(rs.getInt(4))
            .input(rs.getString(5))
            .attempts(rs.getInt(6))
            .maxAttempts(rs.getInt(7))
            .backoff(
                new Backoff(
                    Duration.ofMillis(rs.getLong(8)),
                    Duration.ofMillis(rs.getLong(9)),
                    rs.getDouble(10)))
            .runAt(Instant.ofEpochMilli(rs.getLong(11)))
            .enqueuedAt(Instant.ofEpochMilli(rs.getLong(12)))
            .startedAt(taken.started())
            .leaseExpiresAt(taken.expires())
            .workerId(taken.workerId())
            .progress(rs.getDouble(PACKED_RID + 1)); // exactly: not through JSON
    String rest = rs.getString(PACKED_REST);
    return rest == null ? b.build() : withRest(b, rest);
  }

  /**
   * {@link #readPacked}'s job with the columns packed as {@code rest} (JSON), which the usual job
   * does not have: apart, so that the method read for every leased job stays small.
   */
  private static JobRecord withRest(JobRecord.Builder b, String rest) {
    JsonNode a = Json.defaults().tree(rest);
    String errorType = a.get(0).textValue();
    JsonNode timeout = a.get(3);
    b.error(
            errorType == null
                ? null
                : new JobError(errorType, a.get(1).textValue(), a.get(2).textValue()))
        .timeout(timeout.isNull() ? null : Duration.ofMillis(timeout.asLong()))
        .uniqueKey(a.get(4).textValue())
        .concurrencyKey(a.get(5).textValue())
        .concurrencyLimit(a.get(6).asInt())
        .progressMessage(a.get(7).textValue());
    return foldedControl(b, a, 8).build();
  }

  /** Position of {@code rid} in {@link #leasedColumns}. */
  static final int LEASED_RID = 22;

  private static final int LEASED_CONTROL = 23;

  /** How many parameters {@link #INSERT} takes. */
  static final int INSERTED = 35;

  static final String INSERT =
      "INSERT INTO "
          + TABLE
          + " (id, task, queue, state, priority, input, result, error_type, error_message,"
          + " error_stack, attempts, max_attempts, backoff_base_ms, backoff_max_ms, backoff_jitter,"
          + " timeout_ms, run_at, enqueued_at, started_at, finished_at, lease_expires_at,"
          + " worker_id, unique_key, concurrency_key, concurrency_limit, progress,"
          + " progress_message, cancel_requested,"
          + CONTROL_COLUMNS
          + ") VALUES ("
          + "?, ".repeat(INSERTED - 1)
          + "?)";

  private JobRows() {}

  /** Binds {@code job} to {@link #INSERT}. */
  static void bindInsert(PreparedStatement ps, JobRecord job) throws SQLException {
    ps.setString(1, job.id());
    ps.setString(2, job.task());
    ps.setString(3, job.queue());
    ps.setString(4, job.state().name());
    ps.setInt(5, job.priority());
    ps.setString(6, job.input());
    ps.setString(7, job.result());
    JobError error = job.error();
    ps.setString(8, error == null ? null : error.type());
    ps.setString(9, error == null ? null : error.message());
    ps.setString(10, error == null ? null : error.stackTrace());
    ps.setInt(11, job.attempts());
    ps.setInt(12, job.maxAttempts());
    ps.setLong(13, job.backoff().base().toMillis());
    ps.setLong(14, job.backoff().max().toMillis());
    ps.setDouble(15, job.backoff().jitter());
    setMillis(ps, 16, job.timeout() == null ? null : job.timeout().toMillis());
    ps.setLong(17, millis(job.runAt()));
    ps.setLong(18, millis(job.enqueuedAt()));
    setMillis(ps, 19, millisOrNull(job.startedAt()));
    setMillis(ps, 20, millisOrNull(job.finishedAt()));
    setMillis(ps, 21, millisOrNull(job.leaseExpiresAt()));
    ps.setString(22, job.workerId());
    ps.setString(23, job.uniqueKey());
    ps.setString(24, job.concurrencyKey());
    ps.setInt(25, job.concurrencyLimit());
    ps.setDouble(26, job.progress());
    ps.setString(27, job.progressMessage());
    ps.setInt(28, job.cancelRequested() ? 1 : 0);
    ps.setString(29, job.uniqueKey() == null ? null : job.uniquePolicy().name());
    ps.setString(30, job.rateKey());
    ps.setInt(31, job.ratePermits());
    setMillis(ps, 32, job.ratePeriod() == null ? null : job.ratePeriod().toMillis());
    ps.setString(33, job.next());
    ps.setString(34, job.groupId());
    ps.setInt(INSERTED, job.groupIndex());
  }

  /** The same as {@link #INSERT}, but a job whose id exists is skipped (a chain's next step). */
  static final String INSERT_IF_ABSENT = INSERT + " ON CONFLICT (id) DO NOTHING";

  /** Reads {@link #leasedControlColumn} into {@code b}. */
  private static JobRecord.Builder leasedControl(JobRecord.Builder b, String folded) {
    return folded == null ? b : foldedControl(b, Json.defaults().tree(folded), 0);
  }

  /**
   * Reads the folded job-control values (unique policy, rate key, permits and period, next steps,
   * group id and index, in the order of {@link #leasedControlColumn}) from {@code a}, starting at
   * {@code at}, into {@code b}.
   */
  private static JobRecord.Builder foldedControl(JobRecord.Builder b, JsonNode a, int at) {
    String policy = a.get(at).textValue();
    JsonNode period = a.get(at + 3);
    return b.uniquePolicy(policy == null ? UniquePolicy.REJECT : UniquePolicy.valueOf(policy))
        .rateKey(a.get(at + 1).textValue())
        .ratePermits(a.get(at + 2).asInt())
        .ratePeriod(period.isNull() ? null : Duration.ofMillis(period.asLong()))
        .next(a.get(at + 4).textValue())
        .groupId(a.get(at + 5).textValue())
        .groupIndex(a.get(at + 6).asInt());
  }

  /** Reads the job-control columns, starting at {@code at}, into {@code b}. */
  private static JobRecord.Builder control(JobRecord.Builder b, ResultSet rs, int at)
      throws SQLException {
    String policy = rs.getString(at);
    Long period = nullableLong(rs, at + 3);
    return b.uniquePolicy(policy == null ? UniquePolicy.REJECT : UniquePolicy.valueOf(policy))
        .rateKey(rs.getString(at + 1))
        .ratePermits(rs.getInt(at + 2))
        .ratePeriod(period == null ? null : Duration.ofMillis(period))
        .next(rs.getString(at + 4))
        .groupId(rs.getString(at + 5))
        .groupIndex(rs.getInt(at + 6));
  }

  /** Reads the job at the result set's current row (selected with {@link #COLUMNS}). */
  static JobRecord read(ResultSet rs) throws SQLException {
    String errorType = rs.getString(8);
    JobError error =
        errorType == null ? null : new JobError(errorType, rs.getString(9), rs.getString(10));
    Long timeout = nullableLong(rs, 16);
    return control(JobRecord.builder(), rs, CONTROL)
        .id(rs.getString(1))
        .task(rs.getString(2))
        .queue(rs.getString(3))
        .state(JobState.valueOf(rs.getString(4)))
        .priority(rs.getInt(5))
        .input(rs.getString(6))
        .result(rs.getString(7))
        .error(error)
        .attempts(rs.getInt(11))
        .maxAttempts(rs.getInt(12))
        .backoff(
            new Backoff(
                Duration.ofMillis(rs.getLong(13)),
                Duration.ofMillis(rs.getLong(14)),
                rs.getDouble(15)))
        .timeout(timeout == null ? null : Duration.ofMillis(timeout))
        .runAt(Instant.ofEpochMilli(rs.getLong(17)))
        .enqueuedAt(Instant.ofEpochMilli(rs.getLong(18)))
        .startedAt(instant(rs, 19))
        .finishedAt(instant(rs, 20))
        .leaseExpiresAt(instant(rs, 21))
        .workerId(rs.getString(22))
        .uniqueKey(rs.getString(23))
        .concurrencyKey(rs.getString(24))
        .concurrencyLimit(rs.getInt(25))
        .progress(rs.getDouble(26))
        .progressMessage(rs.getString(27))
        .cancelRequested(rs.getInt(28) != 0)
        .started(rs.getInt(STARTED) != 0)
        .build();
  }

  /** Reads a job just leased (selected with {@link #leasedColumns}) as it now stands. */
  static JobRecord readLeased(ResultSet rs, String workerId, Instant now, Instant expires)
      throws SQLException {
    String errorType = rs.getString(6);
    JobError error =
        errorType == null ? null : new JobError(errorType, rs.getString(7), rs.getString(8));
    Long timeout = nullableLong(rs, 14);
    return leasedControl(JobRecord.builder(), rs.getString(LEASED_CONTROL))
        .id(rs.getString(1))
        .task(rs.getString(2))
        .queue(rs.getString(3))
        .state(JobState.RUNNING)
        .priority(rs.getInt(4))
        .input(rs.getString(5))
        .error(error)
        .attempts(rs.getInt(9))
        .maxAttempts(rs.getInt(10))
        .backoff(
            new Backoff(
                Duration.ofMillis(rs.getLong(11)),
                Duration.ofMillis(rs.getLong(12)),
                rs.getDouble(13)))
        .timeout(timeout == null ? null : Duration.ofMillis(timeout))
        .runAt(Instant.ofEpochMilli(rs.getLong(15)))
        .enqueuedAt(Instant.ofEpochMilli(rs.getLong(16)))
        .startedAt(now)
        .leaseExpiresAt(expires)
        .workerId(workerId)
        .uniqueKey(rs.getString(17))
        .concurrencyKey(rs.getString(18))
        .concurrencyLimit(rs.getInt(19))
        .progress(rs.getDouble(20))
        .progressMessage(rs.getString(21))
        .build();
  }

  /**
   * The record as it will be stored: times cut to whole milliseconds, and the state that its run-at
   * implies at {@code now} ({@code QUEUED} once due, else {@code SCHEDULED}).
   *
   * <p>A job due when it was enqueued (run-at not after its enqueue time: its producer asked for no
   * delay) is due now, whatever the producer's clock reads against the broker's: both are stamped
   * by the producer, and a producer whose clock runs ahead of {@code now} (another host's, or this
   * host's against a server clock read to within a round trip) would otherwise store "run now" as
   * {@code SCHEDULED} until the broker's clock caught up, unannounced to waiting workers. Its
   * run-at is then at most {@code now}. A delayed job's run-at is compared with {@code now} as
   * stamped, so a skewed producer still moves its own delayed jobs by its skew.
   */
  static JobRecord normalize(JobRecord job, Instant now) {
    if (!job.state().isWaiting()) {
      throw new IllegalArgumentException(
          "only QUEUED or SCHEDULED jobs can be enqueued: job " + job.id() + " is " + job.state());
    }
    boolean dueAtEnqueue = !job.runAt().isAfter(job.enqueuedAt());
    Instant runAt = cut(job.runAt());
    if (dueAtEnqueue && runAt.isAfter(now)) {
      job = job.toBuilder().runAt(now).build();
      runAt = cut(now);
    }
    // Compared as stored, in whole milliseconds: a job stamped "now" by a producer whose clock
    // reads the same millisecond as the broker's is due, not scheduled.
    JobState state = runAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED;
    if (state == job.state()
        && whole(job.runAt())
        && whole(job.enqueuedAt())
        && whole(job.startedAt())
        && whole(job.finishedAt())
        && whole(job.leaseExpiresAt())) {
      return job;
    }
    return job.toBuilder()
        .state(state)
        .runAt(cut(job.runAt()))
        .enqueuedAt(cut(job.enqueuedAt()))
        .startedAt(cut(job.startedAt()))
        .finishedAt(cut(job.finishedAt()))
        .leaseExpiresAt(cut(job.leaseExpiresAt()))
        .build();
  }

  static long millis(Instant instant) {
    return instant.toEpochMilli();
  }

  static void setMillis(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  private static Long millisOrNull(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static Long nullableLong(ResultSet rs, int index) throws SQLException {
    long value = rs.getLong(index);
    return rs.wasNull() ? null : value;
  }

  private static Instant instant(ResultSet rs, int index) throws SQLException {
    Long value = nullableLong(rs, index);
    return value == null ? null : Instant.ofEpochMilli(value);
  }

  private static boolean whole(Instant instant) {
    return instant == null || instant.getNano() % 1_000_000 == 0;
  }

  private static Instant cut(Instant instant) {
    return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
  }
}
