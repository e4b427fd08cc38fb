package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema: created on first use, versioned, upgraded in place, indexed for every hot path. */
class SqliteSchemaTest {
  /** The current schema version. */
  static final String CURRENT =
      Integer.toString(new SqliteDialect(SqliteLocation.parse("x.db")).migrations().size());

  /** How version 1 stored a job: the columns it had. */
  private static final String V1_INSERT =
      "INSERT INTO semafor_jobs (id, task, queue, state, priority, input, attempts, max_attempts,"
          + " backoff_base_ms, backoff_max_ms, backoff_jitter, run_at, enqueued_at,"
          + " concurrency_limit, progress, cancel_requested)"
          + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, 0, 0, 0)";

  @TempDir Path dir;
  private final TestClock clock = new TestClock();

  @Test
  void firstUseCreatesTheFileTheSchemaAtTheCurrentVersionAndWalMode() throws Exception {
    Path file = dir.resolve("new.db");

    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(broker.describe()).isEqualTo("sqlite:" + file);
    }

    assertThat(file).exists();
    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
    assertThat(SqliteFileProblemsTest.journalMode(file)).isEqualTo("wal");
    assertThat(indexes(file))
        .contains(
            "semafor_jobs_id",
            "semafor_jobs_ready",
            "semafor_jobs_due",
            "semafor_jobs_leased",
            "semafor_jobs_limited",
            "semafor_jobs_finished");
  }

  @Test
  void aVersion1FileIsUpgradedInPlaceToTheCurrentVersionAndKeepsItsJobs() throws Exception {
    Path file = dir.resolve("old.db");
    JobRecord old = Jobs.queued("from.v1", clock).priority(3).build();
    try (SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(file.toString()));
        Session s = new Session(dialect.connect(Dialect.Role.WRITER))) {
      Schema.migrate(s, dialect, 1);
      insertOld(s, old);
    }
    assertThat(meta(file, "schema_version")).isEqualTo("1");
    assertThat(indexes(file)).doesNotContain("semafor_jobs_ready");

    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(broker.get(old.id())).contains(old);
      List<Lease> leases =
          broker.lease(new LeaseRequest(List.of("default"), 5, "w", Duration.ofSeconds(30)));
      assertThat(leases).extracting(l -> l.job().id()).containsExactly(old.id());
    }

    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
    assertThat(indexes(file)).contains("semafor_jobs_ready", "semafor_jobs_finished");
    assertThat(tables(file)).contains("semafor_workers");
  }

  @Test
  void brokersOpeningANewFileAtOnceCreateTheSchemaOnce() throws Exception {
    Path file = dir.resolve("raced.db");
    int openers = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(openers);
    try {
      List<Future<Integer>> jobsSeen = new ArrayList<>();
      for (int i = 0; i < openers; i++) {
        jobsSeen.add(
            pool.submit(
                () -> {
                  go.await();
                  try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
                    broker.enqueue(Jobs.queued("t", 10, clock));
                    return broker.stats().get(0).count(JobState.QUEUED) > 0 ? 1 : 0;
                  }
                }));
      }
      go.countDown();
      for (Future<Integer> f : jobsSeen) {
        assertThat(f.get(1, TimeUnit.MINUTES)).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(broker.stats().get(0).count(JobState.QUEUED)).isEqualTo(10L * openers);
    }
    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
  }

  @Test
  void aVersion4FileCountsItsRunningJobsAsStartedAndItsWorkersAsRunningAnyTask() throws Exception {
    Path file = dir.resolve("v4.db");
    JobRecord running = Jobs.queued("from.v4", clock).state(JobState.RUNNING).build();
    try (SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(file.toString()));
        Session s = new Session(dialect.connect(Dialect.Role.WRITER))) {
      Schema.migrate(s, dialect, 4);
      insertOld(s, running);
      s.execute(
          "INSERT INTO semafor_workers (id, host, pid, model, concurrency, queues, in_flight,"
              + " started_at, last_heartbeat) VALUES ('old', 'box', 1, 'THREADS', 2,"
              + " '[\"default\"]', 1, 0, 0)");
    }

    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(broker.get(running.id()).orElseThrow().started()).isTrue();
      assertThat(broker.stats().get(0).leased()).isZero();
      assertThat(broker.stats().get(0).running()).isEqualTo(1);
      assertThat(broker.workers()).singleElement().satisfies(w -> assertThat(w.tasks()).isEmpty());
    }
    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
  }

  @Test
  void aVersion6FileGetsPausedQueuesAndAPauseOutlivesTheBrokerThatMadeIt() throws Exception {
    Path file = dir.resolve("v6.db");
    JobRecord waiting = Jobs.queued("from.v6", clock).queue("mail").build();
    try (SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(file.toString()));
        Session s = new Session(dialect.connect(Dialect.Role.WRITER))) {
      Schema.migrate(s, dialect, 6);
      insertOld(s, waiting);
    }
    assertThat(tables(file)).doesNotContain(PausedQueues.TABLE);

    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(broker.pausedQueues()).as("no queue paused after the upgrade").isEmpty();
      assertThat(broker.pauseQueue("mail")).isTrue();
    }
    LeaseRequest mail = new LeaseRequest(List.of("mail"), 5, "w", Duration.ofSeconds(30));
    try (Broker reopened = Brokers.open("sqlite:" + file, clock)) {
      assertThat(reopened.pausedQueues()).containsExactly("mail");
      assertThat(reopened.lease(mail)).isEmpty();
      assertThat(reopened.resumeQueue("mail")).isTrue();
      assertThat(reopened.lease(mail)).extracting(l -> l.job().id()).containsExactly(waiting.id());
    }
    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
  }

  @Test
  void aVersion8FileGetsTheMemberIndexAndAGroupCompletedAmongOtherJobsStillCountsDown()
      throws Exception {
    Path file = dir.resolve("v8.db");
    JobRecord before = Jobs.queued("plain", clock).build();
    String groupId = JobIds.next(clock.instant());
    List<JobRecord> members = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      members.add(Jobs.queued("member", clock).groupId(groupId).groupIndex(i).build());
    }
    JobTemplate callback =
        JobTemplate.of(
            JobIds.next(clock.instant()), "callback", JobOptions.defaults(), clock.instant());
    JobRecord after = Jobs.queued("plain", clock).build();
    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      broker.enqueue(List.of(before));
      broker.enqueueGroup(GroupRecord.of(groupId, 2, callback), members);
      broker.enqueue(List.of(after));
    }
    // Version 9 only added the index: without it and with version 8 recorded, this is a v8 file.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        var st = c.createStatement()) {
      st.execute("DROP INDEX semafor_jobs_member");
      st.execute("UPDATE semafor_meta SET value = '8' WHERE key = 'schema_version'");
    }

    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      assertThat(indexes(file)).contains("semafor_jobs_member");
      Map<String, Lease> leases = new HashMap<>();
      for (Lease l :
          broker.lease(new LeaseRequest(List.of("default"), 10, "w", Duration.ofSeconds(30)))) {
        leases.put(l.job().id(), l);
      }
      assertThat(leases).hasSize(4);
      // The first member sits between two plain jobs in one batch: the batch's lowest and highest
      // row ids are plain jobs'.
      assertThat(
              broker.complete(
                  List.of(
                      new Completion(leases.get(before.id()).ref(), "1"),
                      new Completion(leases.get(members.get(0).id()).ref(), "\"a\""),
                      new Completion(leases.get(after.id()).ref(), "2"))))
          .containsExactly(true, true, true);
      assertThat(broker.query(JobQuery.all().task("callback"))).isEmpty();
      broker.complete(List.of(new Completion(leases.get(members.get(1).id()).ref(), "\"b\"")));
      assertThat(broker.query(JobQuery.all().task("callback")))
          .singleElement()
          .satisfies(j -> assertThat(j.input()).isEqualTo("[\"a\",\"b\"]"));
    }
    assertThat(meta(file, "schema_version")).isEqualTo(CURRENT);
  }

  /**
   * Lease cost stays flat as finished jobs pile up only if no hot statement reads the whole table:
   * each must search an index, and the waiting-job paths a partial one.
   */
  @Test
  void everyHotStatementSearchesAnIndexAndNoneScansTheTable() throws Exception {
    Path file = dir.resolve("plans.db");
    Brokers.open("sqlite:" + file, clock).close();
    Leasing leasing = new Leasing(new SqliteDialect(SqliteLocation.parse(file.toString())));

    String notPaused = "USING INDEX sqlite_autoindex_semafor_paused_queues_1 FOR IN-OPERATOR";
    assertThat(plan(file, leasing.candidates, "default", 10, 0))
        .containsExactly("SEARCH semafor_jobs USING INDEX semafor_jobs_ready (queue=?)", notPaused);
    assertThat(plan(file, leasing.candidatesOfTasks, "default", "[\"a\",\"b\"]", 10, 0))
        .anyMatch(p -> p.contains("semafor_jobs_ready"));
    assertThat(rawPlan(file, JobQueries.QUEUED_TASKS))
        .as("not hot, but reads waiting rows only")
        .contains("SCAN semafor_jobs USING INDEX semafor_jobs_ready");
    assertThat(plan(file, Leasing.ANY_QUEUED, "default"))
        .containsExactly(
            "SEARCH semafor_jobs USING COVERING INDEX semafor_jobs_ready (queue=?)", notPaused);
    assertThat(plan(file, Leasing.ANY_DUE, 1L)).anyMatch(p -> p.contains("semafor_jobs_due"));
    assertThat(plan(file, leasing.promote, 1L)).anyMatch(p -> p.contains("semafor_jobs_due"));
    assertThat(plan(file, leasing.expired, 1L)).anyMatch(p -> p.contains("semafor_jobs_leased"));
    assertThat(plan(file, Leasing.RUNNING_WITH_KEY, "k"))
        .anyMatch(p -> p.contains("semafor_jobs_limited"));
    assertThat(plan(file, JdbcBroker.PRUNE, 1L, 10))
        .anyMatch(p -> p.contains("semafor_jobs_finished"));
    assertThat(plan(file, JobControl.CANCEL_REQUESTED, "w"))
        .anyMatch(p -> p.contains("semafor_jobs_cancel"));
    assertThat(plan(file, LeaseLimits.STARTS_SINCE, "k", 1L))
        .anyMatch(p -> p.contains("semafor_rate_starts_key"));
    assertThat(plan(file, JobControl.ACTIVE_WITH_KEY, "u"))
        .anyMatch(p -> p.contains("semafor_jobs_unique"));
    assertThat(plan(file, JobControl.RESULTS, "g")).anyMatch(p -> p.contains("semafor_jobs_group"));
    assertThat(plan(file, JobControl.ANY_MEMBER_BETWEEN, 1L, 9L))
        .containsExactly("SEARCH semafor_jobs USING INDEX semafor_jobs_member (rid>? AND rid<?)");
    String byRow = "SEARCH semafor_jobs USING INTEGER PRIMARY KEY (rowid=?)";
    assertThat(plan(file, leasing.take, 1L, 2L, "w", "t.", "[1,2]")).contains(byRow);
    assertThat(plan(file, Attempts.COMPLETE, "null", 1L, 1L, "id", "t.1")).containsExactly(byRow);
    assertThat(plan(file, Attempts.FAIL, "DEAD", null, 1L, "E", "m", "s", 1L, "id", "t.1"))
        .containsExactly(byRow);
    assertThat(plan(file, Attempts.HEARTBEAT, 1L, 1L, "id", "t.1")).containsExactly(byRow);
    assertThat(plan(file, Attempts.RELEASE, 1L, 1L, "id", "t.1")).containsExactly(byRow);
    assertThat(plan(file, Attempts.MARK_STARTED, 1L, "id", "t.1")).containsExactly(byRow);
    assertThat(plan(file, JobQueries.BY_ID, "id")).anyMatch(p -> p.contains("semafor_jobs_id"));
    String byId = "semafor_jobs_id";
    assertThat(plan(file, JobCommands.STATE_OF, "id")).anyMatch(p -> p.contains(byId));
    assertThat(plan(file, JobCommands.CANCEL, 1L, "id")).anyMatch(p -> p.contains(byId));
    assertThat(plan(file, JobCommands.REQUEST_CANCEL, "id")).anyMatch(p -> p.contains(byId));
    assertThat(plan(file, JobCommands.RETRY, 1L, "id")).anyMatch(p -> p.contains(byId));
    assertThat(plan(file, JobCommands.DELETE, "id")).anyMatch(p -> p.contains(byId));
  }

  private static List<String> plan(Path file, String sql, Object... params) throws SQLException {
    List<String> lines = rawPlan(file, sql, params);
    assertThat(lines).as("plan of %s", sql).noneMatch(l -> l.startsWith("SCAN semafor_jobs"));
    return lines;
  }

  private static List<String> rawPlan(Path file, String sql, Object... params) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(4));
        }
      }
      return lines;
    }
  }

  /** Inserts {@code job} with the columns version 1 had. */
  private static void insertOld(Session s, JobRecord job) throws SQLException {
    PreparedStatement insert = s.prepare(V1_INSERT);
    insert.setString(1, job.id());
    insert.setString(2, job.task());
    insert.setString(3, job.queue());
    insert.setString(4, job.state().name());
    insert.setInt(5, job.priority());
    insert.setString(6, job.input());
    insert.setInt(7, job.maxAttempts());
    insert.setLong(8, job.backoff().base().toMillis());
    insert.setLong(9, job.backoff().max().toMillis());
    insert.setDouble(10, job.backoff().jitter());
    insert.setLong(11, job.runAt().toEpochMilli());
    insert.setLong(12, job.enqueuedAt().toEpochMilli());
    insert.executeUpdate();
  }

  static String meta(Path file, String key) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement ps = c.prepareStatement("SELECT value FROM semafor_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static List<String> tables(Path file) throws SQLException {
    return names(file, "table");
  }

  private static List<String> indexes(Path file) throws SQLException {
    return names(file, "index");
  }

  private static List<String> names(Path file, String type) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement ps =
            c.prepareStatement("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name")) {
      ps.setString(1, type);
      List<String> names = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    }
  }
}
