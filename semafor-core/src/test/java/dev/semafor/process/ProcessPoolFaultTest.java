package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobTimeoutException;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A child that dies or hangs fails only its own job, with an error that says what happened, and is
 * replaced: the pool keeps its size and goes on running jobs. Two of them run two children, to see
 * the other child untouched by its sibling's death; the others need one (a child costs its start).
 */
class ProcessPoolFaultTest {
  private static final String DIED = WorkerProcessDiedException.class.getName();

  @Test
  void systemExitInTaskFailsOnlyThatJob() throws Exception {
    try (PoolFixture f = PoolFixture.of(2)) {
      List<Long> before = f.pool.pids();
      Assignment exiting = f.submit(ProcessTestTasks.EXIT, "{\"code\":7}");

      JobError error = retryableFailure(f.outcome(exiting));

      long dead = deadOneOf(before);
      assertThat(error.type()).isEqualTo(DIED);
      assertThat(error.message())
          .startsWith(
              "worker process "
                  + dead
                  + " died while running job "
                  + exiting.jobId()
                  + ": exit code 7");
      assertStillServes(f, 2, dead);
    }
  }

  @Test
  void runtimeHaltInTaskFailsOnlyThatJob() throws Exception {
    try (PoolFixture f = PoolFixture.of(1)) {
      List<Long> before = f.pool.pids();
      Assignment halting = f.submit(ProcessTestTasks.HALT, "{\"code\":42}");

      JobError error = retryableFailure(f.outcome(halting));

      long dead = deadOneOf(before);
      assertThat(error.type()).isEqualTo(DIED);
      assertThat(error.message())
          .isEqualTo(
              "worker process "
                  + dead
                  + " died while running job "
                  + halting.jobId()
                  + ": exit code 42");
      assertStillServes(f, 1, dead);
    }
  }

  @Test
  void outOfMemoryInTaskFailsOnlyThatJob() throws Exception {
    try (PoolFixture f =
        new PoolFixture(PoolFixture.builder().size(1).jvmOptions(PoolFixture.childJvm("32m")))) {
      List<Long> before = f.pool.pids();
      Assignment hungry = f.submit(ProcessTestTasks.OOM, "null");

      JobError error = retryableFailure(f.outcome(hungry));

      long dead = deadOneOf(before);
      assertThat(error.type()).isEqualTo(DIED);
      assertThat(error.message())
          .startsWith(
              "worker process "
                  + dead
                  + " died while running job "
                  + hungry.jobId()
                  + ": exit code 3")
          .contains("last output: ")
          .contains("java.lang.OutOfMemoryError: Java heap space");
      assertStillServes(f, 1, dead);
    }
  }

  @Test
  void childKilledFromOutsideFailsOnlyItsJob() throws Exception {
    try (PoolFixture f = PoolFixture.of(2)) {
      Assignment victim = f.submit(ProcessTestTasks.BLOCK, "null");
      long pid = f.awaitStarted(victim);

      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

      JobError error = retryableFailure(f.outcome(victim));
      assertThat(error.type()).isEqualTo(DIED);
      assertThat(error.message())
          .isEqualTo(
              "worker process "
                  + pid
                  + " died while running job "
                  + victim.jobId()
                  + ": killed by signal 9 (SIGKILL)");
      assertStillServes(f, 2, pid);
    }
  }

  @Test
  void idleChildKilledFromOutsideIsReplaced() throws Exception {
    try (PoolFixture f = PoolFixture.of(1)) {
      long pid = f.pool.pids().get(0);

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      assertStillServes(f, 1, pid);
    }
  }

  @Test
  void jobOverItsTimeLimitHasItsChildKilledAndFailsWithTimeout() throws Exception {
    try (PoolFixture f = PoolFixture.of(1)) {
      Assignment slow =
          f.submit(ProcessTestTasks.BLOCK, "null", b -> b.timeout(Duration.ofMillis(800)));
      long pid = f.awaitStarted(slow);

      JobError error = retryableFailure(f.outcome(slow));

      assertThat(error.type()).isEqualTo(JobTimeoutException.class.getName());
      assertThat(error.message())
          .isEqualTo(
              "job "
                  + slow.jobId()
                  + " timed out after 800 ms; worker process "
                  + pid
                  + " was killed and replaced");
      assertThat(PoolFixture.alive(pid)).isFalse();
      assertStillServes(f, 1, pid);
    }
  }

  private static JobError retryableFailure(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    Outcome.Failed failed = (Outcome.Failed) outcome;
    assertThat(failed.retryable()).as("retryable").isTrue();
    return failed.error();
  }

  /** Exactly one of {@code pids} is dead; returns it. */
  private static long deadOneOf(List<Long> pids) {
    List<Long> dead = pids.stream().filter(pid -> !PoolFixture.alive(pid)).toList();
    assertThat(dead).hasSize(1);
    return dead.get(0);
  }

  /** The pool is back to {@code size} live children without {@code gone}, and runs jobs. */
  private static void assertStillServes(PoolFixture f, int size, long gone) throws Exception {
    List<Long> now = f.awaitFullWithout(size, gone);
    assertThat(now).allMatch(PoolFixture::alive);
    for (int i = 0; i < size * 2; i++) {
      assertThat(f.outcome(f.submit(BuiltinTasks.ECHO, "[" + i + "]")))
          .isEqualTo(new Outcome.Succeeded("[" + i + "]"));
    }
  }
}
