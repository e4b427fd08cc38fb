package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Warm-up jobs run in real children before they are ready, and never stop them. */
class ChildWarmUpTest {
  /**
   * One pool for both, as a child costs its start: its child is replaced after each job, so the
   * second job shows the replacement warmed too.
   */
  @Test
  void eachChildRunsItsWarmUpsBeforeItTakesAJobAndFailingOrUnknownOnesAreReportedOnStderr()
      throws Exception {
    List<WarmUpJob> warmUps =
        List.of(
            WarmUpJob.parse("semafor.fail={\"message\":\"warm-up boom\"}"),
            WarmUpJob.parse("no.such.task"),
            WarmUpJob.parse(ProcessTestTasks.COUNT),
            WarmUpJob.parse(ProcessTestTasks.COUNT));
    try (PoolFixture f =
        new PoolFixture(PoolFixture.builder().size(1).maxJobsPerChild(1).warmUps(warmUps))) {
      long pid = f.pool.pids().get(0);
      Assignment first = f.submit(ProcessTestTasks.COUNT, "null");
      assertThat(count(f.outcome(first)))
          .as("two warm-ups counted in each pass (the failing ones carried past), then this")
          .isOdd()
          .isBetween(2L * ChildWarmUp.MIN_PASSES + 1, 2L * ChildWarmUp.MAX_PASSES + 1);
      String prefix = "[semafor child " + pid + "] semafor child: warm-up job ";
      // written before the child was ready (in the first pass only); forwarded by a thread of its
      // own, so wait for them
      await()
          .atMost(PoolFixture.WAIT)
          .until(() -> f.childOutput.stream().filter(l -> l.startsWith(prefix)).count() == 2);
      assertThat(String.join("\n", f.childOutput))
          .contains(
              "[semafor child "
                  + pid
                  + "] semafor child: warm-up job 1 (semafor.fail) failed, carrying on:"
                  + " dev.semafor.SemaforException: warm-up boom")
          .contains(
              "[semafor child "
                  + pid
                  + "] semafor child: warm-up job 2 (no.such.task) failed, carrying on:"
                  + " dev.semafor.UnknownTaskException: unknown task 'no.such.task'");

      f.awaitFullWithout(1, pid);
      Assignment second = f.submit(ProcessTestTasks.COUNT, "null");
      assertThat(count(f.outcome(second)))
          .as("a fresh child, warmed in passes of its own")
          .isOdd()
          .isBetween(2L * ChildWarmUp.MIN_PASSES + 1, 2L * ChildWarmUp.MAX_PASSES + 1);
    }
  }

  @Test
  void warmUpsRunInPassesUntilNoFasterWithinTheBudget() {
    Json json = Json.defaults();
    FrameCodec codec = new FrameCodec(json);
    ChildMain child =
        new ChildMain(
            codec,
            new JobExecutor(TaskRegistry.discover(), json),
            OutputStream.nullOutputStream(),
            status -> {
              throw new AssertionError("halted: " + status);
            });
    String text = ChildWarmUp.warmUpText(List.of(WarmUpJob.parse(ProcessTestTasks.COUNT)));

    long before = ProcessTestTasks.COUNTER.get();
    int passes = ChildWarmUp.runJobs(child, codec, text);
    assertThat(passes).isBetween(ChildWarmUp.MIN_PASSES, ChildWarmUp.MAX_PASSES);
    assertThat(ProcessTestTasks.COUNTER.get() - before).isEqualTo(passes);

    assertThat(ChildWarmUp.runJobs(child, codec, text, 1))
        .as("one pass, however short the budget")
        .isEqualTo(1);
    assertThat(ChildWarmUp.runJobs(child, codec, null)).isZero();
    assertThat(ChildWarmUp.runJobs(child, codec, "not json")).isZero();
  }

  /** The count a {@link ProcessTestTasks#COUNT} job returned. */
  private static long count(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    return Long.parseLong(((Outcome.Succeeded) outcome).resultJson());
  }
}
