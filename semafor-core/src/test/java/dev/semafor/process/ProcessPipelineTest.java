package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Short jobs are queued in a child ahead of the running one. These tests make every job count as
 * short (a huge pipeline budget) and use one slot, so the pipeline fills deterministically: while a
 * gate job runs, the next jobs wait in the inbox; when it ends, the member takes the first and
 * sends the rest after it.
 *
 * <p>The tests of the pipelined pool share one ({@link #shared}), as a child costs its start: each
 * leaves it idle with a live child (a replacement if it killed one), which is checked after each
 * test. Its flights arm their kills through a wrap that records each delay ({@link #armed}).
 */
class ProcessPipelineTest {

  /** The delays the shared pool's flights have armed kills for, in order. */
  private static final List<Duration> armed = new CopyOnWriteArrayList<>();

  /** The pipelined pool shared by this class's tests, started by the first that asks. */
  @RegisterExtension
  static final SharedPool shared =
      new SharedPool(
          1,
          () ->
              pipelined(
                  real ->
                      (kill, delay) -> {
                        armed.add(delay);
                        return real.schedule(kill, delay);
                      }));

  /** A pipelined pool whose flights arm their kills on {@code watchdog}'s wrap of the real one. */
  private static PoolFixture pipelined(UnaryOperator<Flight.Watchdog> watchdog) throws Exception {
    PoolFixture f =
        new PoolFixture(
            PoolFixture.builder()
                .size(1)
                .pipelineBudget(Duration.ofMinutes(1))
                .flightWatchdog(watchdog));
    for (int i = 0; i < Member.MIN_SAMPLES; i++) { // the slot learns that jobs are short
      assertThat(f.outcome(f.submit(BuiltinTasks.NOOP, "null")))
          .isEqualTo(new Outcome.Succeeded("null"));
    }
    return f;
  }

  /** Starts a gate job that runs until cancelled. */
  private static Assignment gate(PoolFixture f) {
    Assignment gate = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
    f.awaitStarted(gate);
    return gate;
  }

  @Test
  void manyShortJobsAllComplete() throws Exception {
    PoolFixture f = shared.get();
    List<Assignment> jobs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      jobs.add(f.submit(BuiltinTasks.ECHO, Integer.toString(i)));
    }
    for (int i = 0; i < jobs.size(); i++) {
      assertThat(f.outcome(jobs.get(i))).isEqualTo(new Outcome.Succeeded(Integer.toString(i)));
    }
    assertThat(f.pool.running()).isZero();
  }

  @Test
  void jobsQueuedBehindAJobThatKillsItsChildRunOnTheReplacement() throws Exception {
    PoolFixture f = shared.get();
    long resentBefore = f.pool.resentCount().get();
    long first = f.pool.pids().get(0);
    Assignment gate = gate(f);
    Assignment killer = f.submit(ProcessTestTasks.EXIT, "{\"code\":5}");
    List<Assignment> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(f.submit(ProcessTestTasks.PID, "null"));
    }
    gate.cancel();

    Outcome.Failed failed = (Outcome.Failed) f.outcome(killer);
    assertThat(failed.error().message())
        .isEqualTo(
            "worker process "
                + first
                + " died while running job "
                + killer.jobId()
                + ": exit code 5");
    long replacement = f.awaitFullWithout(1, first).get(0);
    for (Assignment a : queued) {
      assertThat(pidOf(f.outcome(a))).isEqualTo(replacement);
    }
    assertThat(f.pool.resentCount().get() - resentBefore)
        .as("queued in the dead child, then resent")
        .isEqualTo(3);
  }

  @Test
  void cancellingAQueuedJobAnswersItBeforeItStarts() throws Exception {
    PoolFixture f = shared.get();
    long resentBefore = f.pool.resentCount().get();
    Assignment gate = gate(f);
    Assignment head = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
    Assignment queued = f.submit(ProcessTestTasks.EXIT, "{\"code\":9}");
    gate.cancel();
    f.awaitStarted(head);
    await().atMost(PoolFixture.WAIT).until(() -> f.pool.running() == 2);

    queued.cancel(); // in flight, behind the head: the child answers it when its turn comes
    head.cancel();

    assertThat(f.outcome(head)).isEqualTo(new Outcome.Cancelled("cancelled while running"));
    assertThat(f.outcome(queued)).isEqualTo(new Outcome.Cancelled("cancelled before it started"));
    assertThat(f.pool.pids()).hasSize(1);
    assertThat(f.pool.resentCount().get()).isEqualTo(resentBefore);
  }

  @Test
  void aQueuedJobsTimeLimitStartsWhenItStartsRunning() throws Exception {
    Duration limit = Duration.ofMillis(400);
    PoolFixture f = shared.get(); // no other test gives a job this limit
    Assignment gate = gate(f);
    Assignment runsNext = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
    Assignment limited = f.submit(BuiltinTasks.SLEEP, "{\"ms\":50}", b -> b.timeout(limit));
    gate.cancel();
    f.awaitStarted(runsNext);
    await().atMost(PoolFixture.WAIT).until(() -> f.pool.running() == 2);

    // In flight behind runsNext, it is not on the clock: no kill is armed for its limit.
    assertThat(armed).doesNotContain(limit);
    runsNext.cancel();

    assertThat(f.outcome(limited)).isEqualTo(new Outcome.Succeeded("null"));
    // Armed once it ran, with the whole limit.
    assertThat(armed).containsOnlyOnce(limit);
  }

  @Test
  void pipeliningCanBeTurnedOff() throws Exception {
    try (PoolFixture f =
        new PoolFixture(PoolFixture.builder().size(1).pipelineBudget(Duration.ZERO))) {
      for (int i = 0; i < Member.MIN_SAMPLES; i++) {
        f.outcome(f.submit(BuiltinTasks.NOOP, "null"));
      }
      Assignment gate = gate(f);
      Assignment next = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
      f.submit(BuiltinTasks.NOOP, "null");
      gate.cancel();
      f.awaitStarted(next);

      assertThat(f.pool.running()).isEqualTo(1);
      assertThat(f.inbox).hasSize(1);
      next.cancel();
    }
  }

  @Test
  void aLongJobStopsPipeliningAtOnce() throws Exception {
    try (PoolFixture f = new PoolFixture(PoolFixture.builder().size(1))) {
      for (int i = 0; i < Member.MIN_SAMPLES; i++) {
        f.outcome(f.submit(BuiltinTasks.NOOP, "null"));
      }
      // the gate runs at least 50 ms: far over the default 2 ms pipeline budget
      Assignment gate = f.submit(ProcessTestTasks.AWAIT_CANCEL, "{\"atLeastMs\":50}");
      f.awaitStarted(gate);
      Assignment next = f.submit(ProcessTestTasks.AWAIT_CANCEL, "null");
      f.submit(BuiltinTasks.NOOP, "null");
      gate.cancel();
      f.awaitStarted(next);

      assertThat(f.pool.running()).isEqualTo(1);
      assertThat(f.inbox).as("the short job waits for a free child").hasSize(1);
      next.cancel();
    }
  }

  private static long pidOf(Outcome outcome) {
    String json = ((Outcome.Succeeded) outcome).resultJson();
    return Json.defaults().read(json, JsonNode.class).asLong();
  }
}
