package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The process pool's normal paths: round trips, output, progress, cancellation, stop, recycling.
 *
 * <p>Tests that need only a working pool of one child with the default settings share one ({@link
 * #shared}): a child costs its start-up, and these tests leave it idle and alive, as they found it,
 * which {@link SharedPool} checks after each test.
 */
class ProcessPoolTest {
  /**
   * Tests that need only a working pool of one child share it: the default settings but for a short
   * cancel grace and a small frame limit, which only the tests of those use.
   */
  @RegisterExtension
  static final SharedPool shared =
      new SharedPool(
          1,
          () ->
              new PoolFixture(
                  PoolFixture.builder()
                      .size(1)
                      .cancelGrace(Duration.ofMillis(500))
                      .json(Json.defaults())
                      .maxFrameBytes(4096)));

  /** One pool of two for both, as a child costs its start: the pills end what the jobs began. */
  @Test
  void runsBuiltinTasksInChildJvmsAndKeepsThemThenPoisonPillsStopEveryChild() throws Exception {
    PoolFixture f = PoolFixture.of(2);
    try {
      List<Long> children = f.pool.pids();
      assertThat(children).hasSize(2).doesNotContain(ProcessHandle.current().pid());

      Assignment echo = f.submit(BuiltinTasks.ECHO, "{\"text\":\"h\u00e9llo\",\"n\":[1,2]}");
      Assignment prime = f.submit(BuiltinTasks.PRIMES, "{\"n\":142702110479723}");
      Assignment composite = f.submit(BuiltinTasks.PRIMES, "{\"n\":4444444444444444}");
      Assignment pid = f.submit(ProcessTestTasks.PID, "null");

      assertThat(f.outcome(echo))
          .isEqualTo(new Outcome.Succeeded("{\"text\":\"h\u00e9llo\",\"n\":[1,2]}"));
      assertThat(f.outcome(prime))
          .isEqualTo(new Outcome.Succeeded("{\"n\":142702110479723,\"prime\":true}"));
      assertThat(f.outcome(composite))
          .isEqualTo(new Outcome.Succeeded("{\"n\":4444444444444444,\"prime\":false}"));
      Outcome.Succeeded ranOn = (Outcome.Succeeded) f.outcome(pid);
      assertThat(Long.parseLong(ranOn.resultJson())).isIn(children);
      assertThat(f.pool.pids()).as("children are kept between jobs").isEqualTo(children);
      assertThat(f.pool.running()).isZero();

      Assignment last = f.submit(BuiltinTasks.ECHO, "\"before the pills\"");

      assertThat(f.pool.stop(Duration.ofSeconds(30))).isTrue();

      assertThat(f.outcome(last)).isEqualTo(new Outcome.Succeeded("\"before the pills\""));
      assertThat(children).noneMatch(PoolFixture::alive);
      assertThat(f.pool.pids()).isEmpty();
    } finally {
      f.close();
    }
  }

  /**
   * A serving child learns of its parent's death from stdin's end, so its watch of the parent slows
   * down: its checks would take CPU from the jobs.
   */
  @Test
  void aServingChildChecksItsParentOnlyOnceASecond() throws Exception {
    PoolFixture f = shared.get();
    Outcome outcome = f.outcome(f.submit(ProcessTestTasks.WATCH_EVERY, "null"));

    assertThat(outcome)
        .isEqualTo(
            new Outcome.Succeeded(Long.toString(ParentWatch.EVERY_WHILE_SERVING.toMillis())));
  }

  @Test
  void taskPrintingToStdoutDoesNotCorruptTheProtocol() throws Exception {
    PoolFixture f = shared.get();
    Assignment printing = f.submit(ProcessTestTasks.PRINT, "{\"k\":\"v\"}");
    Assignment after = f.submit(BuiltinTasks.ECHO, "42");

    assertThat(f.outcome(printing)).isEqualTo(new Outcome.Succeeded("{\"k\":\"v\"}"));
    assertThat(f.outcome(after)).isEqualTo(new Outcome.Succeeded("42"));
    await()
        .atMost(PoolFixture.WAIT)
        .until(
            () ->
                f.childOutput.stream().anyMatch(l -> l.endsWith("hello from " + printing.jobId())));
  }

  @Test
  void unknownTaskFailsWithoutRetryAndLeavesTheChildAlone() throws Exception {
    PoolFixture f = shared.get();
    List<Long> children = f.pool.pids();
    Outcome outcome = f.outcome(f.submit("no.such.task", "null"));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    Outcome.Failed failed = (Outcome.Failed) outcome;
    assertThat(failed.retryable()).isFalse();
    assertThat(failed.error().type()).isEqualTo("dev.semafor.UnknownTaskException");
    assertThat(failed.error().message()).startsWith("unknown task 'no.such.task'");
    assertThat(f.pool.pids()).isEqualTo(children);
  }

  @Test
  void progressReportsCrossThePipeInOrder() throws Exception {
    PoolFixture f = shared.get();
    Assignment steps = f.submit(ProcessTestTasks.STEPS, "{\"steps\":3}");

    assertThat(f.outcome(steps)).isEqualTo(new Outcome.Succeeded("\"done\""));
    String id = steps.jobId();
    assertThat(f.progress.stream().filter(p -> p.startsWith(id + " ")))
        .containsExactly(
            id + " " + (1.0 / 3) + " step 1", id + " " + (2.0 / 3) + " step 2", id + " 1.0 step 3");
  }

  @Test
  void cancellationCrossesThePipeAndTheChildSurvives() throws Exception {
    PoolFixture f = shared.get();
    Assignment waiting = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
    long pid = f.awaitStarted(waiting);

    waiting.cancel();

    assertThat(f.outcome(waiting)).isEqualTo(new Outcome.Cancelled("cancelled while running"));
    assertThat(f.pool.pids()).containsExactly(pid);
    assertThat(f.outcome(f.submit(BuiltinTasks.ECHO, "1"))).isEqualTo(new Outcome.Succeeded("1"));
  }

  @Test
  void jobWithinItsTimeLimitIsNotDisturbed() throws Exception {
    PoolFixture f = shared.get();
    List<Long> before = f.pool.pids();
    Assignment quick =
        f.submit(BuiltinTasks.SLEEP, "{\"ms\":10}", b -> b.timeout(Duration.ofSeconds(30)));

    assertThat(f.outcome(quick)).isEqualTo(new Outcome.Succeeded("null"));
    assertThat(f.pool.pids()).isEqualTo(before);
  }

  @Test
  void jobCancelledBeforeItStartsIsNotRun() throws Exception {
    // A pool of its own: on the shared one, whose child has run short jobs, the queued job could
    // be pipelined to the child, and this test is of the parent's answer before it sends it.
    try (PoolFixture f = PoolFixture.of(1)) {
      Assignment blocker = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
      f.awaitStarted(blocker);
      Assignment queued = f.submit(ProcessTestTasks.EXIT, "{\"code\":9}");
      queued.cancel();
      blocker.cancel();

      assertThat(f.outcome(queued)).isEqualTo(new Outcome.Cancelled("cancelled before it started"));
      assertThat(f.outcome(blocker)).isEqualTo(new Outcome.Cancelled("cancelled while running"));
      assertThat(f.pool.pids()).hasSize(1);
    }
  }

  @Test
  void cancelledJobThatIgnoresItIsKilledAfterTheGrace() throws Exception {
    PoolFixture f = shared.get();
    Assignment stubborn = f.submit(ProcessTestTasks.BLOCK, "null");
    long pid = f.awaitStarted(stubborn);

    stubborn.cancel();

    assertThat(f.outcome(stubborn))
        .isEqualTo(
            new Outcome.Cancelled(
                "cancelled; worker process " + pid + " did not stop within 500 ms and was killed"));
    assertThat(PoolFixture.alive(pid)).isFalse();
    f.awaitFullWithout(1, pid);
  }

  /**
   * When a job ends and another waits, the member sends that one to the child before it reports the
   * outcome: here the report of the first job waits until the second job's task has printed, which
   * it can only do if it was sent first.
   */
  @Test
  void theNextJobGoesToTheChildBeforeTheOutcomeOfTheLastIsReported() throws Exception {
    Assignment first = PoolFixture.assignment(BuiltinTasks.ECHO, "1");
    Assignment second = PoolFixture.assignment(ProcessTestTasks.PRINT, "2");
    String printed = "hello from " + second.jobId();
    LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>(List.of(first, second));
    List<String> output = new CopyOnWriteArrayList<>();
    Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    List<String> seenWhenFirstReported = new CopyOnWriteArrayList<>();
    ProcessPool pool = PoolFixture.builder().size(1).childOutput(output::add).build();
    try {
      pool.start(
          inbox,
          (a, outcome) -> {
            if (a == first) {
              await()
                  .atMost(PoolFixture.WAIT)
                  .until(() -> output.stream().anyMatch(l -> l.endsWith(printed)));
              seenWhenFirstReported.add(printed);
            }
            outcomes.put(a.jobId(), outcome);
          });
      await().atMost(PoolFixture.WAIT).until(() -> outcomes.size() == 2);

      assertThat(seenWhenFirstReported).containsExactly(printed);
      assertThat(outcomes)
          .containsEntry(first.jobId(), new Outcome.Succeeded("1"))
          .containsEntry(second.jobId(), new Outcome.Succeeded("2"));
    } finally {
      pool.close();
    }
  }

  /**
   * A poison pill met where the next job would be sent before a report ends the slot once that
   * report is made, as a pill met while pipelining does: the outcome is reported, the child stops.
   */
  @Test
  void aPoisonPillBehindAFinishedJobStopsTheSlotAfterItsReport() throws Exception {
    Assignment job = PoolFixture.assignment(BuiltinTasks.ECHO, "\"last\"");
    LinkedBlockingQueue<Assignment> inbox =
        new LinkedBlockingQueue<>(List.of(job, Assignment.POISON));
    Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    ProcessPool pool = PoolFixture.builder().size(1).build();
    try {
      pool.start(inbox, (a, outcome) -> outcomes.put(a.jobId(), outcome));

      await().atMost(PoolFixture.WAIT).until(() -> pool.pids().isEmpty());
      assertThat(pool.stop(Duration.ofSeconds(30))).as("the slot has ended").isTrue();
      assertThat(outcomes)
          .containsExactly(Map.entry(job.jobId(), new Outcome.Succeeded("\"last\"")));
      assertThat(pool.running()).isZero();
    } finally {
      pool.close();
    }
  }

  @Test
  void recyclesAChildAfterMaxJobs() throws Exception {
    try (PoolFixture f = new PoolFixture(PoolFixture.builder().size(1).maxJobsPerChild(2))) {
      long first = pidOf(f, f.submit(ProcessTestTasks.PID, "null"));
      long second = pidOf(f, f.submit(ProcessTestTasks.PID, "null"));
      long third = pidOf(f, f.submit(ProcessTestTasks.PID, "null"));

      assertThat(second).isEqualTo(first);
      assertThat(third).isNotEqualTo(first);
      assertThat(PoolFixture.alive(first)).isFalse();
      assertThat(f.pool.pids()).containsExactly(third);
    }
  }

  @Test
  void jobInputOverTheFrameLimitFailsWithoutRetryAndSparesTheChild() throws Exception {
    PoolFixture f = shared.get();
    List<Long> children = f.pool.pids();
    Outcome outcome = f.outcome(f.submit(BuiltinTasks.ECHO, "\"" + "x".repeat(5000) + "\""));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    Outcome.Failed failed = (Outcome.Failed) outcome;
    assertThat(failed.retryable()).isFalse();
    assertThat(failed.error().message())
        .matches(
            "cannot send the job to a worker process: run frame of \\d+ bytes exceeds"
                + " the limit of 4096 bytes");
    assertThat(f.pool.pids()).isEqualTo(children);
  }

  @Test
  void startFailsClearlyWhenChildrenCannotStart() {
    ProcessPool pool =
        ProcessPool.builder().size(2).jvmOptions(List.of("-XX:+NoSuchOptionForSemafor")).build();
    assertThatThrownBy(
            () -> pool.start(new java.util.concurrent.LinkedBlockingQueue<>(), (a, o) -> {}))
        .isInstanceOf(WorkerProcessStartException.class)
        .hasMessageContaining("exited during start-up: exit code 1")
        .hasMessageContaining("NoSuchOptionForSemafor");
    assertThat(pool.pids()).isEmpty();
  }

  private static long pidOf(PoolFixture f, Assignment assignment) throws Exception {
    Outcome.Succeeded ok = (Outcome.Succeeded) f.outcome(assignment);
    return Json.defaults().read(ok.resultJson(), JsonNode.class).asLong();
  }
}
