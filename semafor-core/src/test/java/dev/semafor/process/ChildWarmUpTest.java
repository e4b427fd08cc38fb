package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Warm-up jobs run in real children before they are ready, and never stop them. */
class ChildWarmUpTest {
  /** One child for both: a child costs its start. */
  @Test
  void eachChildRunsItsWarmUpsBeforeItTakesAJobAndFailingOrUnknownOnesAreReportedOnStderr()
      throws Exception {
    List<WarmUpJob> warmUps =
        List.of(
            WarmUpJob.parse("semafor.fail={\"message\":\"warm-up boom\"}"),
            WarmUpJob.parse("no.such.task"),
            WarmUpJob.parse(ProcessTestTasks.COUNT),
            WarmUpJob.parse(ProcessTestTasks.COUNT));
    try (PoolFixture f = new PoolFixture(PoolFixture.builder().size(1).warmUps(warmUps))) {
      Assignment first = f.submit(ProcessTestTasks.COUNT, "null");
      assertThat(f.outcome(first))
          .as("two warm-ups counted (the failing ones carried past), then this")
          .isEqualTo(succeeded("3"));
      long pid = f.pool.pids().get(0);
      String prefix = "[semafor child " + pid + "] semafor child: warm-up job ";
      // written before the child was ready; forwarded by a thread of its own, so wait for them
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
    }
  }

  @Test
  void aReplacementChildIsWarmedToo() throws Exception {
    List<WarmUpJob> warmUps = List.of(WarmUpJob.parse(ProcessTestTasks.COUNT));
    try (PoolFixture f =
        new PoolFixture(PoolFixture.builder().size(1).maxJobsPerChild(1).warmUps(warmUps))) {
      Assignment a = f.submit(ProcessTestTasks.COUNT, "null");
      assertThat(f.outcome(a)).isEqualTo(succeeded("2"));
      Assignment b = f.submit(ProcessTestTasks.COUNT, "null");
      assertThat(f.outcome(b)).as("a fresh child, warmed once").isEqualTo(succeeded("2"));
    }
  }

  private static Outcome succeeded(String json) {
    return new Outcome.Succeeded(json);
  }
}
