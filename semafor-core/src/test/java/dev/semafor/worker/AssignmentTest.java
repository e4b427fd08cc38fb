package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobContext;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a task can reach of its assignment: its job, its cancellation, progress and log only. */
class AssignmentTest {
  @Test
  void aTaskRunsWithAContextThatIsNotItsAssignmentAndCannotSteerTheAttempt() {
    TaskRegistry registry = TaskRegistry.withBuiltins();
    AtomicReference<JobContext> seen = new AtomicReference<>();
    registry.register(
        "test.context",
        Object.class,
        (in, ctx) -> {
          seen.set(ctx);
          return null;
        });
    Assignment a = GateTask.assignment("test.context");

    Pools.runHere(new JobExecutor(registry, Json.defaults()), a);

    assertThat(seen.get()).isSameAs(a.context()).isNotInstanceOf(Assignment.class);
    List<String> methods =
        Arrays.stream(seen.get().getClass().getMethods()).map(Method::getName).toList();
    assertThat(methods)
        .doesNotContain("cancel", "timeOut", "runner", "markStarted", "onCancel", "lease");
  }

  @Test
  void theContextReadsTheJobAndPassesOnCancellationProgressAndLogLines() {
    List<String> sent = new CopyOnWriteArrayList<>();
    Assignment a =
        new Assignment(
            GateTask.assignment("t").lease(),
            new Assignment.ProgressSink() {
              @Override
              public void report(Assignment x, double fraction, String message) {
                sent.add(x.jobId() + " " + fraction + " " + message);
              }

              @Override
              public void log(Assignment x, String line) {
                sent.add(x.jobId() + " log " + line);
              }
            },
            0);
    JobContext ctx = a.context();

    ctx.progress(0.5, "half");
    ctx.log("a line");
    assertThat(ctx.isCancelled()).isFalse();
    a.cancel();

    assertThat(ctx.isCancelled()).isTrue();
    assertThat(ctx.jobId()).isEqualTo(a.jobId());
    assertThat(ctx.task()).isEqualTo("t");
    assertThat(ctx.attempt()).isEqualTo(a.attempt());
    assertThat(sent).containsExactly(a.jobId() + " 0.5 half", a.jobId() + " log a line");
  }
}
