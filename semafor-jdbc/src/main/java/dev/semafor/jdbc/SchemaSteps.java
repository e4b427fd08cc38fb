package dev.semafor.jdbc;

import java.util.List;

/**
 * The schema's steps, one list of DDL per version, written once for every dialect: only the column
 * types differ ({@link Types}). Step {@code i} takes the schema from version {@code i} to {@code i
 * + 1} ({@link Schema}); steps are never edited once released, only added.
 *
 * <h2>Which query each index of {@code semafor_jobs} serves</h2>
 *
 * Every index costs every write that changes its columns, so each one is here for a query that
 * would otherwise read the whole table, and is partial where its query looks at a few rows only. On
 * a lease and a completion (the drain's writes) the row changes state, so SQLite weighs each
 * partial index by its {@code WHERE}, but only {@code ready} (the row leaves), {@code leased}
 * (enters, then leaves) and {@code finished} (enters) change pages; measured apart, each of the
 * others costs less than the noise of this machine's runs.
 *
 * <ul>
 *   <li>{@code semafor_jobs_id}: every lookup by job id ({@link JobQueries#BY_ID}, cancel, retry,
 *       delete), and job ids unique.
 *   <li>{@code semafor_jobs_ready}: the lease's candidates ({@link Leasing#candidates}, in lease
 *       order) and the look before a lease ({@link Leasing#ANY_QUEUED}).
 *   <li>{@code semafor_jobs_due}: the promotion of scheduled jobs come due ({@link
 *       Leasing#promote}) and its look ({@link Leasing#ANY_DUE}).
 *   <li>{@code semafor_jobs_leased}: expired leases ({@link Leasing#expired}, the reaper).
 *   <li>{@code semafor_jobs_limited}: running jobs under a concurrency key ({@link
 *       LeaseLimits#RUNNING_WITH_KEY}).
 *   <li>{@code semafor_jobs_finished}: finished jobs past the retention ({@link JdbcBroker#PRUNE},
 *       which every worker runs now and then; without it, each prune would read the whole table).
 *   <li>{@code semafor_jobs_unique}: the holder of a unique key, and the key unique among waiting
 *       and running jobs ({@link JobCommands#HOLDER_OF_KEY}).
 *   <li>{@code semafor_jobs_group}: a group's members ({@link JobControl}).
 *   <li>{@code semafor_jobs_member}: whether a batch of completions holds a group member ({@link
 *       JobControl#ANY_MEMBER_BETWEEN}).
 *   <li>{@code semafor_jobs_cancel}: the running jobs of a worker whose cancellation was asked
 *       ({@link JobControl#cancelRequested}, polled by every worker).
 * </ul>
 */
final class SchemaSteps {
  private static final String JOBS = JobRows.TABLE;

  /**
   * The column types of a dialect.
   *
   * @param rowId the row id column's type and key, such as {@code INTEGER PRIMARY KEY}
   * @param integer a 32-bit integer (counts, priorities)
   * @param bigint a 64-bit integer (epoch milliseconds, durations)
   * @param real a double-precision number
   */
  record Types(String rowId, String integer, String bigint, String real) {}

  private SchemaSteps() {}

  /** Every step, for a dialect with these column types. */
  static List<List<String>> all(Types t) {
    return List.of(
        tables(t),
        HOT_INDEXES,
        workers(t),
        jobControl(t),
        UNIQUE_KEYS,
        starts(t),
        paused(t),
        LOGS,
        GROUP_MEMBERS);
  }

  /** Version 1: the tables. */
  private static List<String> tables(Types t) {
    return List.of(
        "CREATE TABLE " + Schema.META + " (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE "
            + JOBS
            + " ("
            + ("rid " + t.rowId() + ", id TEXT NOT NULL, task TEXT NOT NULL,")
            + (" queue TEXT NOT NULL, state TEXT NOT NULL, priority " + t.integer() + " NOT NULL,")
            + " input TEXT, result TEXT,"
            + " error_type TEXT, error_message TEXT, error_stack TEXT,"
            + (" attempts " + t.integer() + " NOT NULL, max_attempts " + t.integer() + " NOT NULL,")
            + (" backoff_base_ms " + t.bigint() + " NOT NULL,")
            + (" backoff_max_ms " + t.bigint() + " NOT NULL,")
            + (" backoff_jitter " + t.real() + " NOT NULL, timeout_ms " + t.bigint() + ",")
            + (" run_at " + t.bigint() + " NOT NULL, enqueued_at " + t.bigint() + " NOT NULL,")
            + (" started_at " + t.bigint() + ", finished_at " + t.bigint() + ",")
            + (" lease_expires_at " + t.bigint() + ", worker_id TEXT, lease_token TEXT,")
            + (" unique_key TEXT, concurrency_key TEXT,")
            + (" concurrency_limit " + t.integer() + " NOT NULL,")
            + (" progress " + t.real() + " NOT NULL, progress_message TEXT,")
            + (" cancel_requested " + t.integer() + " NOT NULL)"),
        "CREATE UNIQUE INDEX semafor_jobs_id ON " + JOBS + " (id)");
  }

  /**
   * Version 2: the partial indexes that keep every hot path's cost independent of how many finished
   * jobs the table holds. Each covers only the rows its path looks at: waiting jobs in lease order,
   * scheduled jobs by run-at, running jobs by lease expiry and by concurrency key, finished jobs by
   * finish time (for pruning).
   */
  private static final List<String> HOT_INDEXES =
      List.of(
          "CREATE INDEX semafor_jobs_ready ON "
              + JOBS
              + " (queue, priority DESC, id) WHERE state = 'QUEUED'",
          "CREATE INDEX semafor_jobs_due ON " + JOBS + " (run_at) WHERE state = 'SCHEDULED'",
          "CREATE INDEX semafor_jobs_leased ON "
              + JOBS
              + " (lease_expires_at) WHERE state = 'RUNNING'",
          "CREATE INDEX semafor_jobs_limited ON "
              + JOBS
              + " (concurrency_key) WHERE state = 'RUNNING' AND concurrency_key IS NOT NULL",
          "CREATE INDEX semafor_jobs_finished ON "
              + JOBS
              + " (finished_at) WHERE finished_at IS NOT NULL");

  /** Version 3: the worker registry. */
  private static List<String> workers(Types t) {
    return List.of(
        "CREATE TABLE "
            + WorkerRegistry.TABLE
            + (" (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid " + t.bigint() + " NOT NULL,")
            + (" model TEXT NOT NULL, concurrency " + t.integer() + " NOT NULL,")
            + (" queues TEXT NOT NULL, in_flight " + t.integer() + " NOT NULL,")
            + (" started_at " + t.bigint() + " NOT NULL,")
            + (" last_heartbeat " + t.bigint() + " NOT NULL)"));
  }

  /**
   * Version 4: job control. The job columns of unique policies, rate limits, chains and groups;
   * indexes for the unique key of waiting and running jobs, group members and running jobs whose
   * cancellation was requested; and the tables of rate-limit starts, groups and schedules.
   */
  private static List<String> jobControl(Types t) {
    return List.of(
        "ALTER TABLE " + JOBS + " ADD COLUMN unique_policy TEXT",
        "ALTER TABLE " + JOBS + " ADD COLUMN rate_key TEXT",
        "ALTER TABLE " + JOBS + " ADD COLUMN rate_permits " + t.integer() + " NOT NULL DEFAULT 0",
        "ALTER TABLE " + JOBS + " ADD COLUMN rate_period_ms " + t.bigint(),
        "ALTER TABLE " + JOBS + " ADD COLUMN next_steps TEXT",
        "ALTER TABLE " + JOBS + " ADD COLUMN group_id TEXT",
        "ALTER TABLE " + JOBS + " ADD COLUMN group_index " + t.integer() + " NOT NULL DEFAULT 0",
        "CREATE INDEX semafor_jobs_unique ON "
            + JOBS
            + " (unique_key) WHERE unique_key IS NOT NULL"
            + " AND state IN ('SCHEDULED', 'QUEUED', 'RUNNING')",
        "CREATE INDEX semafor_jobs_group ON "
            + JOBS
            + " (group_id, group_index) WHERE group_id IS NOT NULL",
        "CREATE INDEX semafor_jobs_cancel ON "
            + JOBS
            + " (worker_id) WHERE state = 'RUNNING' AND cancel_requested = 1",
        "CREATE TABLE "
            + JobControl.RATE_STARTS
            + (" (rate_key TEXT NOT NULL, started_at " + t.bigint() + " NOT NULL,")
            + (" expires_at " + t.bigint() + " NOT NULL)"),
        "CREATE INDEX semafor_rate_starts_key ON "
            + JobControl.RATE_STARTS
            + " (rate_key, started_at)",
        "CREATE INDEX semafor_rate_starts_expiry ON " + JobControl.RATE_STARTS + " (expires_at)",
        "CREATE TABLE "
            + JobControl.GROUPS
            + (" (id TEXT PRIMARY KEY, size " + t.integer() + " NOT NULL,")
            + (" remaining " + t.integer() + " NOT NULL, failed " + t.integer() + " NOT NULL,")
            + " callback TEXT)",
        "CREATE TABLE "
            + JobControl.SCHEDULES
            + " (name TEXT PRIMARY KEY, cron TEXT NOT NULL, zone TEXT NOT NULL,"
            + (" task TEXT NOT NULL, queue TEXT NOT NULL, last_tick " + t.bigint() + ",")
            + (" next_tick " + t.bigint() + ")"));
  }

  /** What makes a unique key hold among waiting and running jobs: a partial UNIQUE index. */
  static final String ACTIVE_UNIQUE_KEY =
      "unique_key IS NOT NULL AND state IN ('SCHEDULED', 'QUEUED', 'RUNNING')";

  /**
   * Version 5: the unique key of waiting and running jobs is backed by a partial UNIQUE index (it
   * was a plain index, which one writer made enough), so two writers cannot both store a job under
   * one key. An existing database is upgraded in place.
   */
  private static final List<String> UNIQUE_KEYS =
      List.of(
          "DROP INDEX IF EXISTS semafor_jobs_unique",
          "CREATE UNIQUE INDEX semafor_jobs_unique ON "
              + JOBS
              + " (unique_key) WHERE "
              + ACTIVE_UNIQUE_KEY);

  /**
   * Version 6: leased is not started. {@code started} is 0 from a lease until the worker reports
   * the start ({@link dev.semafor.spi.Broker#markStarted}) or the attempt ends; jobs running when
   * the database is upgraded count as started. Workers record the tasks they can run.
   */
  private static List<String> starts(Types t) {
    return List.of(
        "ALTER TABLE " + JOBS + " ADD COLUMN started " + t.integer() + " NOT NULL DEFAULT 0",
        "UPDATE " + JOBS + " SET started = 1 WHERE state = 'RUNNING'",
        "ALTER TABLE " + WorkerRegistry.TABLE + " ADD COLUMN tasks TEXT");
  }

  /**
   * Version 8: each job's log lines ({@link dev.semafor.spi.Broker#appendLogs}), a JSON array in
   * one column, so they go with the job. Existing jobs have none.
   */
  private static final List<String> LOGS = List.of("ALTER TABLE " + JOBS + " ADD COLUMN logs TEXT");

  /**
   * Version 9: the group members by row id, so that a batch of completions learns with one probe
   * that none of its jobs is a member ({@link JobControl#ANY_MEMBER_BETWEEN}) instead of looking
   * each row up. Only members are in it, and no lease or completion changes a column it depends on,
   * so it costs the drain nothing. An existing database gets it built from its rows.
   */
  private static final List<String> GROUP_MEMBERS =
      List.of("CREATE INDEX semafor_jobs_member ON " + JOBS + " (rid) WHERE group_id IS NOT NULL");

  /**
   * Version 7: paused queues ({@link dev.semafor.spi.Broker#pauseQueue}), one row per queue. An
   * existing database gets the empty table: no queue is paused.
   */
  private static List<String> paused(Types t) {
    return List.of(
        "CREATE TABLE "
            + PausedQueues.TABLE
            + (" (queue TEXT PRIMARY KEY, paused_at " + t.bigint() + " NOT NULL)"));
  }
}
