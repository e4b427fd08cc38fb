package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.spi.WorkerInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The worker registry in table {@code semafor_workers}: one row per worker, replaced when the same
 * id registers again, its heartbeat stamped with the broker's clock. The queues are a JSON array
 * (queue names may hold any character), and so are the tasks it can run (null for a worker
 * registered before they were recorded: any task). The upsert is the SQL standard's {@code ON
 * CONFLICT} form, which SQLite and PostgreSQL share.
 */
final class WorkerRegistry {
  static final String TABLE = "semafor_workers";

  private static final String COLUMNS =
      "id, host, pid, model, concurrency, queues, in_flight, started_at, last_heartbeat, tasks";
  static final String REGISTER =
      "INSERT INTO "
          + TABLE
          + " ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
          + " host = excluded.host, pid = excluded.pid, model = excluded.model,"
          + " concurrency = excluded.concurrency, queues = excluded.queues,"
          + " in_flight = excluded.in_flight, started_at = excluded.started_at,"
          + " last_heartbeat = excluded.last_heartbeat, tasks = excluded.tasks";
  static final String HEARTBEAT =
      "UPDATE " + TABLE + " SET in_flight = ?, last_heartbeat = ? WHERE id = ?";
  static final String LIST = "SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY id";
  static final String UNREGISTER = "DELETE FROM " + TABLE + " WHERE id = ?";

  private static final Json JSON = Json.defaults();

  private WorkerRegistry() {}

  static void register(Session s, WorkerInfo w, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(REGISTER);
    ps.setString(1, w.id());
    ps.setString(2, w.host());
    ps.setLong(3, w.pid());
    ps.setString(4, w.model().name());
    ps.setInt(5, w.concurrency());
    ps.setString(6, JSON.write(w.queues()));
    ps.setInt(7, w.inFlight());
    ps.setLong(8, millis(w.startedAt()));
    ps.setLong(9, millis(now));
    ps.setString(10, JSON.write(w.tasks()));
    ps.executeUpdate();
  }

  /** Stamps a registered worker's heartbeat; an unknown id changes nothing. */
  static void heartbeat(Session s, String workerId, int inFlight, Instant now) throws SQLException {
    PreparedStatement ps = s.prepare(HEARTBEAT);
    ps.setInt(1, inFlight);
    ps.setLong(2, millis(now));
    ps.setString(3, workerId);
    ps.executeUpdate();
  }

  static List<WorkerInfo> list(Session s) throws SQLException {
    List<WorkerInfo> out = new ArrayList<>();
    try (ResultSet rs = s.prepare(LIST).executeQuery()) {
      while (rs.next()) {
        out.add(
            new WorkerInfo(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                ExecutionModel.valueOf(rs.getString(4)),
                rs.getInt(5),
                Arrays.asList(JSON.read(rs.getString(6), String[].class)),
                rs.getInt(7),
                Instant.ofEpochMilli(rs.getLong(8)),
                Instant.ofEpochMilli(rs.getLong(9)),
                rs.getString(10) == null
                    ? List.of()
                    : Arrays.asList(JSON.read(rs.getString(10), String[].class))));
      }
    }
    return out;
  }

  static void unregister(Session s, String workerId) throws SQLException {
    PreparedStatement ps = s.prepare(UNREGISTER);
    ps.setString(1, workerId);
    ps.executeUpdate();
  }
}
