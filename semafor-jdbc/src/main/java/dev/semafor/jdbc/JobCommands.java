package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.JobState;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.spi.CancelResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What an operator (or a producer) does to one job by id: cancel, retry, delete. Each runs inside
 * the caller's write transaction and finds the job through the unique id index.
 */
final class JobCommands {
  static final String STATE_OF = "SELECT state FROM " + TABLE + " WHERE id = ?";
  static final String STATE_AND_KEY_OF = "SELECT state, unique_key FROM " + TABLE + " WHERE id = ?";
  static final String HOLDER_OF_KEY =
      "SELECT id, state FROM "
          + TABLE
          + " WHERE unique_key = ? AND state IN ('SCHEDULED', 'QUEUED', 'RUNNING') LIMIT 1";
  static final String REQUEST_CANCEL = "UPDATE " + TABLE + " SET cancel_requested = 1 WHERE id = ?";
  static final String CANCEL =
      "UPDATE " + TABLE + " SET state = 'CANCELLED', finished_at = ? WHERE id = ?";
  static final String RETRY =
      "UPDATE "
          + TABLE
          + " SET state = 'QUEUED', attempts = 0, run_at = ?, result = NULL, started_at = NULL,"
          + " finished_at = NULL, lease_expires_at = NULL, lease_token = NULL, worker_id = NULL,"
          + " progress = 0, progress_message = NULL, cancel_requested = 0"
          + " WHERE id = ? AND state IN ('DEAD', 'CANCELLED')";
  static final String DELETE =
      "DELETE FROM " + TABLE + " WHERE id = ? AND state IN ('SUCCEEDED', 'DEAD', 'CANCELLED')";

  private JobCommands() {}

  /**
   * A waiting job becomes {@code CANCELLED} at once; a running one is flagged, and its worker
   * learns it at the next heartbeat (and it becomes {@code CANCELLED} if its lease is released or
   * reaped instead of completed).
   */
  static CancelResult cancel(Session s, Dialect dialect, String jobId, Instant now)
      throws SQLException {
    PreparedStatement find =
        s.prepare(dialect.lockRow(STATE_OF)); // no lease between look and change
    find.setString(1, jobId);
    JobState state;
    try (ResultSet rs = find.executeQuery()) {
      if (!rs.next()) {
        return CancelResult.NOT_FOUND;
      }
      state = JobState.valueOf(rs.getString(1));
    }
    if (state.isFinished()) {
      return CancelResult.ALREADY_FINISHED;
    }
    if (state == JobState.RUNNING) {
      PreparedStatement ps = s.prepare(REQUEST_CANCEL);
      ps.setString(1, jobId);
      ps.executeUpdate();
      return CancelResult.CANCEL_REQUESTED;
    }
    PreparedStatement ps = s.prepare(CANCEL);
    ps.setLong(1, millis(now));
    ps.setString(2, jobId);
    ps.executeUpdate();
    return CancelResult.CANCELLED;
  }

  /**
   * Puts a {@code DEAD} or {@code CANCELLED} job back in its queue as if new (attempts 0, run-at
   * now), keeping its last error. False for any other state or an unknown id. Refused with {@link
   * UniqueKeyConflictException} while another job holds the job's unique key: the look at the
   * holder (over the partial index {@code semafor_jobs_unique}) and the update share the write
   * transaction.
   */
  static boolean retry(Session s, Dialect dialect, String jobId, Instant now) throws SQLException {
    PreparedStatement find = s.prepare(dialect.lockRow(STATE_AND_KEY_OF));
    find.setString(1, jobId);
    String uniqueKey;
    try (ResultSet rs = find.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
      JobState state = JobState.valueOf(rs.getString(1));
      if (state != JobState.DEAD && state != JobState.CANCELLED) {
        return false;
      }
      uniqueKey = rs.getString(2);
    }
    if (uniqueKey != null) {
      PreparedStatement holder = s.prepare(HOLDER_OF_KEY);
      holder.setString(1, uniqueKey);
      try (ResultSet rs = holder.executeQuery()) {
        if (rs.next()) {
          throw new UniqueKeyConflictException(
              jobId, uniqueKey, rs.getString(1), JobState.valueOf(rs.getString(2)));
        }
      }
    }
    PreparedStatement ps = s.prepare(RETRY);
    ps.setLong(1, millis(now));
    ps.setString(2, jobId);
    try {
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      if (uniqueKey != null && dialect.isUniqueViolation(e)) {
        throw new KeyTakenMeanwhile(e); // an enqueue took the key after the look at its holder
      }
      throw e;
    }
  }

  /**
   * A retry's update hit the unique index: on PostgreSQL another transaction enqueued a job with
   * the same key between the look at the key's holder and the update. Nothing was changed (the
   * transaction is rolled back); run again, the look now finds the holder.
   */
  static final class KeyTakenMeanwhile extends RuntimeException {
    KeyTakenMeanwhile(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Deletes a finished job; false if it has not finished or is unknown. */
  static boolean delete(Session s, String jobId) throws SQLException {
    PreparedStatement ps = s.prepare(DELETE);
    ps.setString(1, jobId);
    return ps.executeUpdate() > 0;
  }
}
