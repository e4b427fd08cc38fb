package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sequential and threads pool alone: a queue in, outcomes out, no worker and no broker. */
class LoopPoolTest {
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final GateTask gate = new GateTask(registry);
  private final JobExecutor executor = new JobExecutor(registry, Json.defaults());
  private final LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
  private final Map<Assignment, Outcome> outcomes = new ConcurrentHashMap<>();
  private final CountDownLatch reported = new CountDownLatch(3);
  private LoopPool pool;

  @AfterEach
  void close() throws InterruptedException {
    gate.openAndClose(pool);
  }

  private LoopPool start(ExecutionModel model, int size) {
    pool = new LoopPool(model, size, executor, "test");
    pool.start(
        inbox,
        (a, o) -> {
          outcomes.put(a, o);
          reported.countDown();
        });
    return pool;
  }

  @Test
  void runsAsManyJobsAtOnceAsItHasMembersAndReportsEach() throws Exception {
    start(ExecutionModel.THREADS, 2);
    GateTask.queue(inbox, 3);

    assertThat(gate.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.running()).isEqualTo(2);
    assertThat(inbox).hasSize(1); // the third waits for a member
    gate.gate.countDown();

    assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gate.mostAtOnce).hasValue(2);
    assertThat(outcomes.values()).containsOnly(new Outcome.Succeeded("\"through\""));
  }

  @Test
  void theSequentialPoolRunsOneJobAtATime() throws Exception {
    start(ExecutionModel.SEQUENTIAL, 1);
    GateTask.queue(inbox, 3);
    assertThat(gate.entered.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();
    gate.gate.countDown();

    assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gate.mostAtOnce).hasValue(1);
    assertThat(pool.members()).hasSize(1);
  }

  @Test
  void aJobCancelledWhileItWaitedIsReportedCancelledWithoutRunning() throws Exception {
    start(ExecutionModel.THREADS, 1);
    Assignment a = GateTask.assignment(GateTask.NAME);
    a.cancel();

    inbox.put(a);

    assertThat(pool.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(outcomes.get(a)).isInstanceOf(Outcome.Cancelled.class);
    assertThat(gate.entered.availablePermits()).isZero();
  }

  @Test
  void stopRunsWhatIsQueuedThenEveryMemberTakesItsPoisonPillAndExits() throws Exception {
    start(ExecutionModel.THREADS, 2);
    inbox.put(GateTask.assignment(BuiltinTasks.NOOP));
    inbox.put(GateTask.assignment(BuiltinTasks.NOOP));

    assertThat(pool.stop(Duration.ofSeconds(10))).isTrue();

    assertThat(outcomes).hasSize(2);
    assertThat(pool.members()).isEmpty();
  }

  @Test
  void aJobThatOutlastsTheGraceMakesStopReturnFalseAndCloseInterruptsIt() throws Exception {
    start(ExecutionModel.THREADS, 1);
    Assignment a = GateTask.assignment(GateTask.NAME);
    inbox.put(a);
    assertThat(gate.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

    assertThat(pool.stop(Duration.ofMillis(1))).isFalse();
    pool.close();

    await().until(() -> outcomes.containsKey(a));
    assertThat(gate.interrupted).hasValue(1);
    assertThat(outcomes.get(a)).isInstanceOf(Outcome.Failed.class);
  }

  @Test
  void itStartsOnceAndRunsOnlyTheInProcessModels() {
    start(ExecutionModel.THREADS, 1);
    assertThatIllegalStateException().isThrownBy(() -> pool.start(inbox, (a, o) -> {}));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new LoopPool(ExecutionModel.VIRTUAL, 1, executor, "test"));
  }
}
