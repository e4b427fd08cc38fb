package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;

import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Job log lines ({@link dev.semafor.spi.Broker#appendLogs}) in the jobs table's {@code logs}
 * column, as {@link LogLine#toJson} writes them: gone with the job when it is pruned or deleted. An
 * append reads the job's lines under its lease (row id, job id, token and {@code RUNNING}, as every
 * attempt's write), keeps the last {@link LogLine#MAX_LINES} with the new ones, and writes them
 * back, inside the caller's write transaction.
 */
final class JobLogs {
  static final String READ_UNDER_LEASE =
      "SELECT logs FROM "
          + TABLE
          + " WHERE rid = ? AND id = ? AND lease_token = ? AND state = 'RUNNING'";
  static final String WRITE = "UPDATE " + TABLE + " SET logs = ? WHERE rid = ?";
  static final String READ = "SELECT logs FROM " + TABLE + " WHERE id = ?";

  private JobLogs() {}

  static List<Boolean> append(Session s, List<LogLines> batch) throws SQLException {
    PreparedStatement read = s.prepare(READ_UNDER_LEASE);
    PreparedStatement write = s.prepare(WRITE);
    List<Boolean> applied = new ArrayList<>(batch.size());
    for (LogLines l : batch) {
      long rid = Leasing.rowOf(l.lease());
      read.setLong(1, rid);
      read.setString(2, l.lease().jobId());
      read.setString(3, l.lease().token());
      String stored;
      try (ResultSet rs = read.executeQuery()) {
        if (!rs.next()) {
          applied.add(false);
          continue;
        }
        stored = rs.getString(1);
      }
      write.setString(1, LogLine.toJson(LogLine.keepLast(LogLine.fromJson(stored), l.lines())));
      write.setLong(2, rid);
      write.executeUpdate();
      applied.add(true);
    }
    return applied;
  }

  static List<LogLine> read(Session s, String jobId) throws SQLException {
    PreparedStatement ps = s.prepare(READ);
    ps.setString(1, jobId);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? LogLine.fromJson(rs.getString(1)) : List.of();
    }
  }
}
