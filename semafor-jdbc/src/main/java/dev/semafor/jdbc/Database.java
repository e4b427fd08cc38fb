package dev.semafor.jdbc;

import static dev.semafor.jdbc.JobRows.TABLE;

import dev.semafor.spi.JobRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a {@link JdbcBroker} reaches its database: the writer and reader {@link SessionPool}s, the
 * {@link WriteCombiner} every write goes through (in a transaction of {@link
 * Dialect#transactions()}), and the turning of a {@link SQLException} into the broker's exceptions:
 * {@link Dialect#unavailable} naming the database and what the broker was doing, or, for a write
 * that stores jobs, an {@link IllegalArgumentException} naming the id that broke uniqueness. Every
 * read and write first asks the dialect whether the database is still usable ({@link
 * Dialect#checkUsable}).
 *
 * <p>Reads use the reader sessions (the writers' when the dialect has none), so they neither wait
 * for nor delay writes.
 */
final class Database {
  static final String EXISTS = "SELECT 1 FROM " + TABLE + " WHERE id = ?";

  private final Dialect dialect;
  private final SessionPool writers;
  private final SessionPool readers;
  private final WriteCombiner writes;

  private Database(Dialect dialect, SessionPool writers, SessionPool readers) {
    this.dialect = dialect;
    this.writers = writers;
    this.readers = readers;
    this.writes = new WriteCombiner(writers, dialect.transactions());
  }

  /**
   * Checks the dialect's database, connects, creates or upgrades the schema. Throws {@link
   * dev.semafor.BrokerUnavailableException} naming the database and the problem.
   */
  static Database open(Dialect dialect) {
    dialect.checkBeforeOpen();
    if (dialect.pool() != null) {
      return openPooled(dialect);
    }
    List<Session> writing = new ArrayList<>();
    List<Session> reading = new ArrayList<>();
    try {
      for (int i = 0; i < dialect.connections(Dialect.Role.WRITER); i++) {
        writing.add(Session.open(dialect, Dialect.Role.WRITER));
      }
      Schema.migrate(writing.get(0), dialect);
      for (int i = 0; i < dialect.connections(Dialect.Role.READER); i++) {
        reading.add(Session.open(dialect, Dialect.Role.READER));
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writing);
      closeQuietly(reading);
      dialect.close();
      throw e instanceof SQLException sql ? dialect.unavailable("open", sql) : (RuntimeException) e;
    }
    SessionPool writers = new SessionPool(dialect.describe(), writing);
    SessionPool readers =
        reading.isEmpty() ? writers : new SessionPool(dialect.describe(), reading);
    return new Database(dialect, writers, readers);
  }

  /** Over a connection pool: the writers lend its connections, and reads share them. */
  private static Database openPooled(Dialect dialect) {
    SessionPool sessions =
        new SessionPool(
            dialect.describe(), dialect.pool(), dialect.connections(Dialect.Role.WRITER));
    try {
      sessions.use(s -> Schema.migrate(s, dialect));
    } catch (SQLException | RuntimeException e) {
      dialect.close();
      throw e instanceof SQLException sql ? dialect.unavailable("open", sql) : (RuntimeException) e;
    }
    return new Database(dialect, sessions, sessions);
  }

  /** Runs {@code work} in a write transaction; database errors become clear exceptions. */
  <T> T write(String doing, SessionPool.SqlWork<T> work) {
    dialect.checkUsable();
    try {
      return writeRaw(work);
    } catch (SQLException e) {
      throw dialect.unavailable(doing, e);
    }
  }

  private <T> T writeRaw(SessionPool.SqlWork<T> work) throws SQLException {
    return writes.write(work);
  }

  /** A write that stores {@code jobs}: a duplicate id becomes an error that names it. */
  <T> T insert(String doing, List<JobRecord> jobs, SessionPool.SqlWork<T> work) {
    return insert(doing, jobs, () -> writeRaw(work));
  }

  private <T> T insert(String doing, List<JobRecord> jobs, Storing<T> storing) {
    dialect.checkUsable();
    try {
      return storing.store();
    } catch (SQLException e) {
      if (dialect.isUniqueViolation(e) && !jobs.isEmpty()) {
        throw duplicate(jobs);
      }
      throw dialect.unavailable(doing, e);
    }
  }

  /**
   * Like {@link #insert}, but {@code work} runs alone on a writer session in auto-commit, outside
   * any transaction and group: for a store that is one statement, atomic by itself.
   */
  <T> T insertAlone(String doing, List<JobRecord> jobs, SessionPool.SqlWork<T> work) {
    return insert(doing, jobs, () -> writers.use(work));
  }

  /** Runs {@code work} on a reader session; database errors become clear exceptions. */
  <T> T read(String doing, SessionPool.SqlWork<T> work) {
    dialect.checkUsable();
    try {
      return readers.use(work);
    } catch (SQLException e) {
      throw dialect.unavailable(doing, e);
    }
  }

  /**
   * Closes the readers, the writers, then the dialect, each even if closing another failed; the
   * first failure is thrown with the later ones suppressed in it.
   */
  void close() {
    Exception failure = null;
    List<AutoCloseable> parts = new ArrayList<>();
    if (readers != writers) {
      parts.add(readers);
    }
    parts.add(writers);
    parts.add(dialect);
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    switch (failure) {
      case null -> {}
      case SQLException e -> throw dialect.unavailable("close", e); // later ones suppressed in e
      case RuntimeException e -> throw e;
      default ->
          throw new IllegalStateException("closing " + dialect.describe() + " failed", failure);
    }
  }

  /** Names the id that broke uniqueness: one already stored, or one the batch holds twice. */
  private IllegalArgumentException duplicate(List<JobRecord> batch) {
    Set<String> seen = new HashSet<>();
    for (JobRecord job : batch) {
      if (!seen.add(job.id())) {
        return new IllegalArgumentException("the batch holds job id " + job.id() + " twice");
      }
    }
    String existing =
        read(
            "enqueue",
            s -> {
              PreparedStatement ps = s.prepare(EXISTS);
              for (JobRecord job : batch) {
                ps.setString(1, job.id());
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    return job.id();
                  }
                }
              }
              return null;
            });
    return new IllegalArgumentException(
        existing == null
            ? "a job id of the batch already exists"
            : "a job with id " + existing + " already exists");
  }

  /** A store, in a group's transaction or alone. */
  @FunctionalInterface
  private interface Storing<T> {
    T store() throws SQLException;
  }

  private static void closeQuietly(List<Session> sessions) {
    for (Session session : sessions) {
      try {
        session.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one reported
      }
    }
  }
}
