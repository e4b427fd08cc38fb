package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmUpJobTest {
  @Test
  void parsesTaskAndOptionalJsonInput() {
    assertThat(WarmUpJob.parse("semafor.primes={ \"n\" : 2 }"))
        .isEqualTo(new WarmUpJob("semafor.primes", "{\"n\":2}"));
    assertThat(WarmUpJob.parse("semafor.noop")).isEqualTo(new WarmUpJob("semafor.noop", "null"));
    assertThat(WarmUpJob.parse("semafor.echo={\"a\":\"x=y\"}").input())
        .isEqualTo("{\"a\":\"x=y\"}");
    assertThat(WarmUpJob.of(BuiltinTasks.PRIMES, Map.of("n", 2)))
        .isEqualTo(new WarmUpJob(BuiltinTasks.PRIMES, "{\"n\":2}"));
  }

  @Test
  void refusesABlankTaskOrInputThatIsNotJson() {
    assertThatThrownBy(() -> WarmUpJob.parse("={}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a warm-up job needs a task name");
    assertThatThrownBy(() -> WarmUpJob.parse("semafor.primes={"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the input of warm-up job semafor.primes is not valid JSON: ");
    assertThatThrownBy(() -> WarmUpJob.parse("semafor.echo=1 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the input of warm-up job semafor.echo is not valid JSON: ");
  }

  @Test
  void runsWithAnExecutorAndReportsWhatHappened() {
    JobExecutor executor = new JobExecutor(TaskRegistry.withBuiltins(), Json.defaults());
    assertThat(WarmUpJob.parse("semafor.primes={\"n\":97}").run(executor, 1))
        .isEqualTo(new Outcome.Succeeded("{\"n\":97,\"prime\":true}"));
    Outcome unknown = WarmUpJob.parse("no.such.task").run(executor, 2);
    assertThat(unknown).isInstanceOf(Outcome.Failed.class);
    assertThat(((Outcome.Failed) unknown).error().type())
        .isEqualTo("dev.semafor.UnknownTaskException");
  }

  @Test
  void travelsToTheChildAsJsonText() {
    List<WarmUpJob> jobs =
        List.of(WarmUpJob.parse("semafor.primes={\"n\":2}"), WarmUpJob.parse("semafor.noop"));
    String text = ChildWarmUp.warmUpText(jobs);
    assertThat(text)
        .isEqualTo(
            "[{\"task\":\"semafor.primes\",\"input\":\"{\\\"n\\\":2}\"},"
                + "{\"task\":\"semafor.noop\",\"input\":\"null\"}]");
    assertThat(ChildWarmUp.warmUpsFrom(text)).isEqualTo(jobs);
    assertThatThrownBy(() -> ChildWarmUp.warmUpsFrom("{\"task\":\"x\"}"))
        .hasMessage("expected a JSON array, got OBJECT");
    assertThatThrownBy(() -> ChildWarmUp.warmUpsFrom("[{\"task\":\"x\",\"input\":2}]"))
        .hasMessageStartingWith("each warm-up job needs the text fields 'task' and 'input'");
  }

  @Test
  void theChildEnvironmentCarriesThemOrNothing() {
    ChildCommand without = ChildCommand.ofCurrentJvm(List.of(), List.of());
    assertThat(without.environment()).containsEntry(ChildMain.WARM_UP_ENV, null);
    assertThat(without.processBuilder().environment()).doesNotContainKey(ChildMain.WARM_UP_ENV);

    List<WarmUpJob> jobs = List.of(WarmUpJob.parse("semafor.noop"));
    ChildCommand with = ChildCommand.ofCurrentJvm(List.of(), List.of(), jobs);
    assertThat(with.processBuilder().environment())
        .containsEntry(ChildMain.WARM_UP_ENV, ChildWarmUp.warmUpText(jobs));
  }

  @Test
  void thePoolRefusesWarmUpsTooLargeForTheEnvironment() {
    String big = "\"" + "x".repeat(ProcessPoolBuilder.MAX_WARM_UP_BYTES) + "\"";
    assertThatThrownBy(
            () -> ProcessPool.builder().warmUps(List.of(new WarmUpJob(BuiltinTasks.ECHO, big))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(
            "the warm-up jobs take \\d+ bytes as JSON, over the limit of 65536; give them smaller"
                + " inputs");
  }
}
