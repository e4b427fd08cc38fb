package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.COLUMNS;
import static dev.semafor.jdbc.JobRows.TABLE;

import dev.semafor.JobState;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.TaskCount;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The read side: {@code get}, {@code query} and {@code stats}, each one statement. */
final class JobQueries {
  static final String BY_ID = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?";
  static final String STATS =
      "SELECT queue, state, COUNT(*), SUM(CASE WHEN started = 0 THEN 1 ELSE 0 END) FROM "
          + TABLE
          + " GROUP BY queue, state ORDER BY queue";

  /** Waiting jobs by queue and task: the ready index narrows the rows to the waiting ones. */
  static final String QUEUED_TASKS =
      "SELECT queue, task, COUNT(*) FROM "
          + TABLE
          + " WHERE state = 'QUEUED' GROUP BY queue, task ORDER BY queue, task";

  private JobQueries() {}

  static Optional<JobRecord> get(Session s, String id) throws SQLException {
    PreparedStatement ps = s.prepare(BY_ID);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
    }
  }

  /** Jobs matching {@code q}, newest first. The SQL has one shape per set of filters used. */
  static List<JobRecord> query(Session s, JobQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (q.queue() != null) {
      sql.append(" AND queue = ?");
      params.add(q.queue());
    }
    if (q.task() != null) {
      sql.append(" AND task = ?");
      params.add(q.task());
    }
    if (!q.states().isEmpty()) {
      sql.append(" AND state IN (").append("?, ".repeat(q.states().size() - 1)).append("?)");
      q.states().stream().sorted().forEach(state -> params.add(state.name()));
    }
    if (q.concurrencyKey() != null) {
      sql.append(" AND concurrency_key = ?");
      params.add(q.concurrencyKey());
    }
    if (q.groupId() != null) {
      sql.append(" AND group_id = ?");
      params.add(q.groupId());
    }
    if (q.uniqueKey() != null) {
      sql.append(" AND unique_key = ?");
      params.add(q.uniqueKey());
    }
    if (q.enqueuedFrom() != null) {
      sql.append(" AND enqueued_at >= ?");
      params.add(JobRows.millis(q.enqueuedFrom()));
    }
    if (q.enqueuedTo() != null) {
      sql.append(" AND enqueued_at < ?");
      params.add(JobRows.millis(q.enqueuedTo()));
    }
    sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
    params.add(q.limit());
    params.add(q.offset());
    PreparedStatement ps = s.prepare(sql.toString());
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
    List<JobRecord> jobs = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        jobs.add(JobRows.read(rs));
      }
    }
    return jobs;
  }

  static List<QueueStats> stats(Session s) throws SQLException {
    List<QueueStats> out = new ArrayList<>();
    String queue = null;
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    long leased = 0;
    try (ResultSet rs = s.prepare(STATS).executeQuery()) {
      while (rs.next()) {
        String q = rs.getString(1);
        if (queue != null && !queue.equals(q)) {
          out.add(new QueueStats(queue, counts, leased));
          counts = new EnumMap<>(JobState.class);
          leased = 0;
        }
        queue = q;
        JobState state = JobState.valueOf(rs.getString(2));
        counts.put(state, rs.getLong(3));
        if (state == JobState.RUNNING) {
          leased = rs.getLong(4);
        }
      }
    }
    if (queue != null) {
      out.add(new QueueStats(queue, counts, leased));
    }
    return out;
  }

  static List<TaskCount> queuedTasks(Session s) throws SQLException {
    List<TaskCount> out = new ArrayList<>();
    try (ResultSet rs = s.prepare(QUEUED_TASKS).executeQuery()) {
      while (rs.next()) {
        out.add(new TaskCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
      }
    }
    return out;
  }
}
