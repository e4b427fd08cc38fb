package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.millis;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Paused queues ({@link dev.semafor.spi.Broker#pauseQueue}) in table {@code semafor_paused_queues},
 * one row per paused queue. A lease leaves them out in the statement that reads its candidates
 * ({@link #NOT_PAUSED}), so a pause needs no extra round trip on the hot path and is seen by every
 * handle on the database at its next lease. The insert is the SQL standard's {@code ON CONFLICT}
 * form, which SQLite and PostgreSQL share.
 */
final class PausedQueues {
  static final String TABLE = "semafor_paused_queues";

  /** A condition on a statement over the jobs table: the job's queue is not paused. */
  static final String NOT_PAUSED = "queue NOT IN (SELECT queue FROM " + TABLE + ")";

  static final String PAUSE =
      "INSERT INTO " + TABLE + " (queue, paused_at) VALUES (?, ?) ON CONFLICT (queue) DO NOTHING";
  static final String RESUME = "DELETE FROM " + TABLE + " WHERE queue = ?";
  static final String LIST = "SELECT queue FROM " + TABLE + " ORDER BY queue";

  private PausedQueues() {}

  /** Pauses {@code queue}; true if it was not paused. */
  static boolean pause(Session s, String queue, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(PAUSE);
    ps.setString(1, queue);
    ps.setLong(2, millis(now));
    return ps.executeUpdate() > 0;
  }

  /** Resumes {@code queue}; true if it was paused. */
  static boolean resume(Session s, String queue) throws SQLException {
    PreparedStatement ps = s.prepare(RESUME);
    ps.setString(1, queue);
    return ps.executeUpdate() > 0;
  }

  /** The paused queues, sorted by name. */
  static List<String> list(Session s) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.prepare(LIST).executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
