package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;
import static dev.semafor.jdbc.JobRows.millis;

import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The common lease as one statement, on a database whose {@code WITH} may change rows (PostgreSQL;
 * {@link Dialect#leasesAtOnce}): due scheduled jobs are promoted, the request's first queue's
 * candidates locked ({@code FOR UPDATE SKIP LOCKED}) and, unless something below stands in the way,
 * taken, all in one round trip where {@link Leasing}'s steps take three.
 *
 * <h2>When it steps aside</h2>
 *
 * The statement takes nothing, and says so ({@link Outcome#stepsAside}), when it promoted a job (a
 * statement does not see its own sub-statements' changes, so a promoted job, perhaps of a higher
 * priority, would be passed over) or when a candidate has a concurrency or rate key (whose limits
 * {@link LeaseLimits} counts). The caller then runs the general lease in the same transaction,
 * which sees the promotions and still holds the locked candidates.
 */
final class LeaseAtOnce {
  /** One more column after {@link JobRows#leasedColumns}: true on the row that steps aside. */
  private static final int STEPS_ASIDE = JobRows.LEASED_RID + 2;

  private final Dialect dialect;
  private final String all;
  private final String ofTasks;

  LeaseAtOnce(Dialect dialect, String promote, String take) {
    this.dialect = dialect;
    String select =
        "SELECT rid, concurrency_key, rate_key FROM "
            + TABLE
            + " WHERE queue = ? AND state = 'QUEUED' AND "
            + PausedQueues.NOT_PAUSED;
    String order = " ORDER BY priority DESC, id LIMIT ?";
    this.all = statement(dialect, promote, select + order, take);
    this.ofTasks =
        statement(dialect, promote, select + " AND " + dialect.inNames("task") + order, take);
  }

  private static String statement(Dialect dialect, String promote, String candidates, String take) {
    String nulls = "NULL, ".repeat(STEPS_ASIDE - 1);
    return "WITH promoted AS ("
        + promote
        + " RETURNING rid), candidates AS ("
        + dialect.lockCandidates(candidates)
        + "), aside AS (SELECT EXISTS (SELECT 1 FROM promoted) OR EXISTS (SELECT 1 FROM"
        + " candidates WHERE concurrency_key IS NOT NULL OR rate_key IS NOT NULL) AS yes),"
        + " taken AS ("
        + take.replace(
            dialect.inIds("rid"),
            "rid IN (SELECT rid FROM candidates) AND NOT (SELECT yes FROM aside)")
        + ") SELECT *, FALSE FROM taken UNION ALL SELECT "
        + nulls
        + "TRUE FROM aside WHERE yes ORDER BY "
        + STEPS_ASIDE
        + " DESC, 4 DESC, 1";
  }

  /** What the statement did: the leases it made, in lease order, or that it stepped aside. */
  record Outcome(List<Lease> leases, boolean stepsAside) {}

  /** Leases up to {@code request.max()} jobs of the request's first queue. */
  Outcome lease(Session s, LeaseRequest request, Instant now, String tokenPrefix)
      throws SQLException {
    Instant started = Instant.ofEpochMilli(millis(now));
    Instant expires = Instant.ofEpochMilli(millis(now.plus(request.duration())));
    boolean everyTask = request.tasks().isEmpty();
    PreparedStatement ps = s.prepare(everyTask ? all : ofTasks);
    int at = 1;
    ps.setLong(at++, millis(now));
    ps.setString(at++, request.queues().get(0));
    if (!everyTask) {
      dialect.bindNames(ps, at++, request.tasks());
    }
    ps.setInt(at++, request.max());
    ps.setLong(at++, millis(started));
    ps.setLong(at++, millis(expires));
    ps.setString(at++, request.workerId());
    ps.setString(at, tokenPrefix);
    List<Lease> leases = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getBoolean(STEPS_ASIDE)) {
          return new Outcome(List.of(), true);
        }
        long rid = rs.getLong(JobRows.LEASED_RID);
        leases.add(
            new Lease(
                JobRows.readLeased(rs, request.workerId(), started, expires),
                tokenPrefix + rid,
                expires));
      }
    }
    return new Outcome(leases, false);
  }
}
