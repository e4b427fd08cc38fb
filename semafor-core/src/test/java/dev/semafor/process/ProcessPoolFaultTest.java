package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobError;
import dev.semafor.JobTimeoutException;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child that dies or hangs fails only its own job, with an error that says what happened, and is
 * replaced: the pool keeps its size and goes on running jobs, and the other child is untouched.
 *
 * <p>The tests share one pool of two children with a 32 MB heap (small enough for the OOM test to
 * fill at once): each kills one child (or, from outside, both at once) and waits for its
 * replacement, so a test costs the start of one child rather than of three. Each starts from the
 * pool idle with two live children.
 */
class ProcessPoolFaultTest {
  private static final String DIED = WorkerProcessDiedException.class.getName();

  private static PoolFixture f;

  /** The pool's two children, once it is idle with both alive (as the previous test left it). */
  private List<Long> before;

  @BeforeAll
  static void startPool() {
    f = new PoolFixture(PoolFixture.builder().size(2).jvmOptions(PoolFixture.childJvm("32m")));
  }

  @AfterAll
  static void closePool() {
    f.close();
  }

  @BeforeEach
  void idleWithTwoLiveChildren() {
    before = f.awaitIdle(2);
  }

  @Test
  void systemExitInTaskFailsOnlyThatJob() throws Exception {
    assertThat(diedRunning(f.submit(ProcessTestTasks.EXIT, "{\"code\":7}")))
        .startsWith("exit code 7");
  }

  @Test
  void runtimeHaltInTaskFailsOnlyThatJob() throws Exception {
    assertThat(diedRunning(f.submit(ProcessTestTasks.HALT, "{\"code\":42}")))
        .isEqualTo("exit code 42");
  }

  @Test
  void outOfMemoryInTaskFailsOnlyThatJob() throws Exception {
    assertThat(diedRunning(f.submit(ProcessTestTasks.OOM, "null")))
        .startsWith("exit code 3")
        .contains("last output: ")
        .contains("java.lang.OutOfMemoryError: Java heap space");
  }

  /** Both children at once, one busy and one idle, so that they are replaced side by side. */
  @Test
  void childrenKilledFromOutsideAreReplacedAndOnlyTheBusyOnesJobFails() throws Exception {
    Assignment victim = f.submit(ProcessTestTasks.BLOCK, "null");
    long pid = f.awaitStarted(victim);
    long idle = before.stream().filter(p -> p != pid).findFirst().orElseThrow();

    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
    assertThat(ProcessHandle.of(idle).orElseThrow().destroyForcibly()).isTrue();

    JobError error = retryableFailure(f.outcome(victim));
    assertThat(error.type()).isEqualTo(DIED);
    assertThat(error.message())
        .isEqualTo(
            "worker process "
                + pid
                + " died while running job "
                + victim.jobId()
                + ": killed by signal 9 (SIGKILL)");
    List<Long> now =
        await()
            .atMost(PoolFixture.WAIT)
            .until(
                f.pool::pids,
                pids -> pids.size() == 2 && !pids.contains(pid) && !pids.contains(idle));
    assertStillServes(f, 2, now);
  }

  @Test
  void jobOverItsTimeLimitHasItsChildKilledAndFailsWithTimeout() throws Exception {
    Assignment slow =
        f.submit(ProcessTestTasks.BLOCK, "null", b -> b.timeout(Duration.ofMillis(400)));
    long pid = f.awaitStarted(slow);

    JobError error = retryableFailure(f.outcome(slow));

    assertThat(error.type()).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.message())
        .isEqualTo(
            "job "
                + slow.jobId()
                + " timed out after 400 ms; worker process "
                + pid
                + " was killed and replaced");
    assertThat(PoolFixture.alive(pid)).isFalse();
    assertStillServes(f, 2, pid);
  }

  /**
   * The job failed, retryably, because exactly one of the children died running it, and the pool
   * serves again; returns the cause in the error's message, after "worker process PID died while
   * running job ID: ".
   */
  private String diedRunning(Assignment job) throws Exception {
    JobError error = retryableFailure(f.outcome(job));
    long dead = deadOneOf(before);
    assertThat(error.type()).isEqualTo(DIED);
    String prefix = "worker process " + dead + " died while running job " + job.jobId() + ": ";
    assertThat(error.message()).startsWith(prefix);
    assertStillServes(f, 2, dead);
    return error.message().substring(prefix.length());
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
    assertStillServes(f, size, f.awaitFullWithout(size, gone));
  }

  /** The pool's children {@code now} are alive, and it runs jobs. */
  private static void assertStillServes(PoolFixture f, int size, List<Long> now) throws Exception {
    assertThat(now).allMatch(PoolFixture::alive);
    for (int i = 0; i < size * 2; i++) {
      assertThat(f.outcome(f.submit(BuiltinTasks.ECHO, "[" + i + "]")))
          .isEqualTo(new Outcome.Succeeded("[" + i + "]"));
    }
  }
}
