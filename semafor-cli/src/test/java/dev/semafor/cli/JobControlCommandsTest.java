package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobError;
import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job-control side of the command line: enqueue flags, cancel, retry, job --wait, status. */
class JobControlCommandsTest {
  @RegisterExtension final SqliteFixture db = new SqliteFixture();

  private Result run(String... args) {
    return db.run(args);
  }

  private String enqueue(String... args) {
    Result r = run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return r.lastOutLine();
  }

  @Test
  void enqueueFlagsReachTheStoredJob() {
    String id =
        enqueue(
            "enqueue",
            "semafor.noop",
            "--concurrency-key",
            "tenant-42",
            "--concurrency-limit",
            "2",
            "--rate-limit",
            "100/1s",
            "--unique-key",
            "report-7",
            "--on-conflict",
            "replace",
            "--timeout",
            "30s",
            "--max-attempts",
            "5");

    JobRecord job = db.broker().get(id).orElseThrow();
    assertThat(job.concurrencyKey()).isEqualTo("tenant-42");
    assertThat(job.concurrencyLimit()).isEqualTo(2);
    assertThat(job.rateKey()).as("the task's name by default").isEqualTo("semafor.noop");
    assertThat(job.ratePermits()).isEqualTo(100);
    assertThat(job.ratePeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(job.uniqueKey()).isEqualTo("report-7");
    assertThat(job.uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.maxAttempts()).isEqualTo(5);

    Result shown = run("job", id);
    assertThat(shown.out())
        .contains("concurrency 2 per 'tenant-42'", "rate 100 per 1s", "timeout 30s")
        .contains("report-7 (replace)");
  }

  @Test
  void aRateGivenAsABareUnitMeansOneOfIt() {
    String id = enqueue("enqueue", "semafor.noop", "--rate-limit", "10/m", "--rate-key", "api");
    JobRecord job = db.broker().get(id).orElseThrow();
    assertThat(job.rateKey()).isEqualTo("api");
    assertThat(job.ratePeriod()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aRejectedDuplicatePrintsTheExistingJobsId() {
    String first = enqueue("enqueue", "semafor.noop", "--unique-key", "nightly");
    Result second = run("enqueue", "semafor.noop", "--unique-key", "nightly");

    assertThat(second.code()).isZero();
    assertThat(second.lastOutLine()).isEqualTo(first);
    assertThat(second.err()).contains("job " + first, "'nightly'", "no new job was added");
  }

  @Test
  void flagsThatNeedAPartnerFailWithOneLineAndEnqueueNothing() {
    assertOneLineError(
        run("enqueue", "semafor.noop", "--on-conflict", "replace"),
        "--on-conflict needs --unique-key");
    assertOneLineError(
        run("enqueue", "semafor.noop", "--concurrency-key", "k"),
        "--concurrency-key needs --concurrency-limit");
    assertOneLineError(
        run("enqueue", "semafor.noop", "--rate-key", "k"), "--rate-key needs --rate-limit");
    assertOneLineError(run("enqueue", "semafor.noop", "--rate-limit", "fast"), "is not N/PERIOD");
    assertOneLineError(
        run("enqueue", "semafor.noop", "--rate-limit", "0/1s"), "at least 1 start per period");
    assertThat(db.broker().stats()).isEmpty();
  }

  @Test
  void cancelCancelsAWaitingJobAndAsksARunningOneToStop() {
    String running = enqueue("enqueue", "semafor.noop");
    String waiting = enqueue("enqueue", "semafor.noop");
    assertThat(db.leaseOne().job().id()).isEqualTo(running);

    Result r = run("cancel", waiting, running);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines())
        .containsExactly(
            waiting + " cancelled", running + " is running: asked its worker to stop it");
    assertThat(db.broker().get(waiting).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(db.broker().get(running).orElseThrow().cancelRequested()).isTrue();
    assertThat(run("cancel", waiting).lastOutLine()).contains("had already finished (cancelled)");
  }

  @Test
  void cancellingAJobThatDoesNotExistFails() {
    Result r = run("cancel", "01NOSUCHJOB0000000000000000");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("no job with id '01NOSUCHJOB0000000000000000'");
  }

  @Test
  void retryPutsDeadJobsBackByQueryOrById() {
    String a1 = dead("reports.a");
    String a2 = dead("reports.a");
    String b = dead("reports.b");

    Result byTask = run("retry", "--task", "reports.a");
    assertThat(byTask.code()).as(byTask.err()).isZero();
    assertThat(byTask.lastOutLine()).isEqualTo("retried 2 dead jobs of task 'reports.a'");
    assertThat(db.broker().get(a1).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(db.broker().get(a2).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(db.broker().get(b).orElseThrow().state()).isEqualTo(JobState.DEAD);

    Result byId = run("retry", b);
    assertThat(byId.lastOutLine()).isEqualTo(b + " queued again");
    JobRecord again = db.broker().get(b).orElseThrow();
    assertThat(again.attempts()).isZero();
    assertThat(again.error().message()).as("the last error is kept").isEqualTo("boom");

    Result notDead = run("retry", a1);
    assertThat(notDead.code()).isEqualTo(Main.USAGE);
    assertThat(notDead.errLines())
        .containsExactly(
            "semafor retry: " + a1 + " is queued; only dead or cancelled jobs can be retried");
  }

  @Test
  void retryLeavesAJobWhoseUniqueKeyAnotherJobHoldsAndNamesTheHolder() {
    String held = dead("reports.a", "nightly");
    String free = dead("reports.a", null);
    String other = dead("reports.b", null);
    String holder = enqueue("enqueue", "semafor.noop", "--unique-key", "nightly");
    String conflict =
        "semafor retry: job "
            + held
            + " has unique key 'nightly', which job "
            + holder
            + " holds while it is queued; cancel "
            + holder
            + " or wait for it to finish";

    Result byTask = run("retry", "--task", "reports.a");
    assertThat(byTask.code()).isEqualTo(Main.USAGE);
    assertThat(byTask.lastOutLine())
        .isEqualTo(
            "retried 1 dead job of task 'reports.a'; 1 left dead: another job holds its unique key");
    assertThat(byTask.errLines()).containsExactly(conflict);
    assertThat(db.broker().get(held).orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(db.broker().get(free).orElseThrow().state()).isEqualTo(JobState.QUEUED);

    Result byId = run("retry", held, other);
    assertThat(byId.code()).isEqualTo(Main.USAGE);
    assertThat(byId.outLines()).containsExactly(other + " queued again");
    assertThat(byId.errLines()).containsExactly(conflict);

    Result alone = run("retry", held);
    assertThat(alone.code()).isEqualTo(Main.USAGE);
    assertThat(alone.errLines()).as("one line: why nothing was done").containsExactly(conflict);
    assertThat(db.broker().get(held).orElseThrow().state()).isEqualTo(JobState.DEAD);

    db.broker().cancel(holder);
    Result freed = run("retry", held);
    assertThat(freed.code()).as(freed.err()).isZero();
    assertThat(freed.lastOutLine()).isEqualTo(held + " queued again");
  }

  @Test
  void anUnknownIdIsOneLineAndExitCode2ForEveryCommandThatTakesIds() {
    String id = enqueue("enqueue", "semafor.noop");
    String unknown = "01J00000000000000000000000";
    for (String command : List.of("cancel", "retry", "job")) {
      assertOneLineError(run(command, unknown), "no job with id '" + unknown + "' in " + db.url());
    }
    assertOneLineError(run("cancel", unknown, "nope"), "none of these 2 jobs exists in ");

    Result some = run("cancel", unknown, id);
    assertThat(some.code()).as("one of two was not found").isEqualTo(Main.USAGE);
    assertThat(some.outLines()).containsExactly(id + " cancelled");
    assertThat(some.errLines())
        .containsExactly("semafor cancel: no job with id '" + unknown + "' in " + db.url());
  }

  @Test
  void retryNeedsIdsOrAQueryNotBoth() {
    assertOneLineError(run("retry"), "name job ids, or select jobs with --task");
    assertOneLineError(run("retry", "X", "--task", "t"), "not both");
    assertOneLineError(run("retry", "--state", "queued"), "--state must be dead or cancelled");
  }

  @Test
  void jobWaitFailsWithOneLineWhenTheJobIsNotDoneInTime() {
    String id = enqueue("enqueue", "semafor.noop");

    Result late = run("job", id, "--wait", "100ms");
    assertOneLineError(late, "job " + id + " is still queued after 100ms");

    Lease lease = db.leaseOne();
    db.broker().complete(new Completion(lease.ref(), "{\"ok\":true}"));
    Result done = run("job", id, "--wait", "10s");
    assertThat(done.code()).as(done.err()).isZero();
    assertThat(done.out()).contains("state     succeeded", "{\"ok\":true}");
  }

  @Test
  void statusCountsRunningJobsWithProgressAndListsThemOnRequest() {
    enqueue("enqueue", "semafor.noop");
    Lease lease = db.leaseOne();
    assertThat(run("status").out()).contains("running: 0 jobs, 0 reporting progress; 1 leased");
    db.broker().markStarted(List.of(lease.ref()));
    db.broker().progress(lease.ref(), 0.5, "half way");

    Result status = run("status");
    assertThat(status.out()).contains("running: 1 job, 1 reporting progress; 0 leased");
    assertThat(status.out()).doesNotContain("half way");

    Result listed = run("status", "--running");
    assertThat(listed.out()).contains(lease.job().id(), "test-worker", "50%", "half way");
  }

  @Test
  void schedulesListsWhatWorkersClaimed() {
    assertThat(run("schedules").out()).startsWith("no schedules in sqlite:");
    Instant registered = Instant.parse("2029-12-31T10:34:05.123Z"); // a mark, not a tick
    db.claimNightly(registered, Instant.parse("2030-01-01T01:00:00Z"));
    List<String> fresh = run("schedules").outLines();
    assertThat(fresh.get(1).split(" +"))
        .as("no last tick until one ran; the next one")
        .endsWith("-", "2030-01-01T01:00:00Z");

    Instant tick = Instant.parse("2030-01-01T01:00:00Z"); // 03:00 in Sofia
    db.claimNightly(tick, tick.plus(Duration.ofDays(1)));

    Result r = run("schedules");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("nightly", "0 3 * * *", "Europe/Sofia", "semafor.noop", "reports")
        .contains("2030-01-01T01:00:00Z", "2030-01-02T01:00:00Z");
  }

  @Test
  void workerScheduleFlagsAreParsedAndCheckedBeforeTheWorkerStarts() {
    dev.semafor.TaskRegistry registry = dev.semafor.TaskRegistry.withBuiltins();
    registry.register("reports.render", JsonNode.class, (input, ctx) -> input);
    dev.semafor.schedule.Schedule s =
        ScheduleOptions.parse(
            "nightly|0 3 * * *|Europe/Sofia|reports.render|{ \"a\": 1 }|run-once", registry);
    assertThat(s.name()).isEqualTo("nightly");
    assertThat(s.cron()).isEqualTo("0 3 * * *");
    assertThat(s.zone()).isEqualTo(java.time.ZoneId.of("Europe/Sofia"));
    assertThat(s.inputJson()).isEqualTo("{\"a\":1}");
    assertThat(s.missed()).isEqualTo(dev.semafor.schedule.MissedTicks.RUN_ONCE);

    assertOneLineError(
        run("worker", "--burst", "--schedule", "nightly|0 3 * *|UTC|semafor.noop"),
        "bad cron expression");
    assertOneLineError(
        run("worker", "--burst", "--schedule", "nightly|0 3 * * *|Mars/Base|semafor.noop"),
        "unknown time zone 'Mars/Base'");
    assertOneLineError(
        run("worker", "--burst", "--schedule", "nightly|0 3 * * *|UTC|no.such.task"),
        "unknown task 'no.such.task'");
    assertOneLineError(run("worker", "--burst", "--schedule", "just-a-name"), "is not NAME|CRON");
    assertOneLineError(
        run("worker", "--burst", "--schedule", "p|0 3 * * *|UTC|semafor.primes|{\"n\":\"x\"}"),
        "--schedule 'p': input does not fit task 'semafor.primes' (it takes {\"n\": a whole"
            + " number}): 'n' must be a whole number, not \"x\"");
    assertOneLineError(
        run("worker", "--burst", "--schedule", "p|0 3 * * *|UTC|semafor.primes|{\"n\":"),
        "--schedule 'p': its JSON is not valid JSON");
  }

  /** Enqueues a job of {@code task} straight into the broker and makes it dead. */
  private String dead(String task) {
    return dead(task, null);
  }

  /** Enqueues a job of {@code task} (with a unique key, if not null) and makes it dead. */
  private String dead(String task, String uniqueKey) {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task(task)
            .maxAttempts(1)
            .uniqueKey(uniqueKey)
            .runAt(now)
            .enqueuedAt(now)
            .build();
    db.broker().enqueue(List.of(job));
    Lease lease = db.leaseOne();
    db.broker().fail(Failure.dead(lease.ref(), JobError.of("test.Boom", "boom")));
    return job.id();
  }

  private static void assertOneLineError(Result r, String message) {
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains(message);
  }
}
