package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The virtual pool alone: a thread per job, at most its concurrency at once. */
class VirtualPoolTest {
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final GateTask gate = new GateTask(registry);
  private final JobExecutor executor = new JobExecutor(registry, Json.defaults());
  private final LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
  private final Map<Assignment, Outcome> outcomes = new ConcurrentHashMap<>();
  private final Map<Assignment, Thread> threads = new ConcurrentHashMap<>();
  private VirtualPool pool;

  @AfterEach
  void close() throws InterruptedException {
    gate.openAndClose(pool);
  }

  private VirtualPool start(int concurrency) {
    pool = new VirtualPool(concurrency, executor, "test");
    pool.start(
        inbox,
        (a, o) -> {
          threads.put(a, Thread.currentThread());
          outcomes.put(a, o);
        });
    return pool;
  }

  @Test
  void runsEachJobOnAVirtualThreadOfItsOwnAtMostConcurrencyAtOnce() throws Exception {
    start(2);
    GateTask.queue(inbox, 3);

    assertThat(gate.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.running()).isEqualTo(2);
    assertThat(inbox).hasSize(1); // no permit: the dispatcher has not taken it
    gate.gate.countDown();

    await().until(() -> outcomes.size() == 3);
    assertThat(gate.mostAtOnce).hasValue(2);
    assertThat(threads.values()).allMatch(Thread::isVirtual).doesNotHaveDuplicates();
    assertThat(pool.running()).isZero();
  }

  @Test
  void stopWaitsForRunningJobsAndLeavesNoneUnstarted() throws Exception {
    start(2);
    inbox.put(GateTask.assignment(GateTask.NAME));
    inbox.put(GateTask.assignment(BuiltinTasks.NOOP));
    assertThat(gate.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

    assertThat(pool.stop(Duration.ofMillis(1))).as("a job still runs").isFalse();
    gate.gate.countDown();

    assertThat(pool.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(outcomes).hasSize(2);
  }

  @Test
  void closeInterruptsTheJobsThatStillRun() throws Exception {
    start(1);
    Assignment a = GateTask.assignment(GateTask.NAME);
    inbox.put(a);
    assertThat(gate.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

    pool.close();

    await().until(() -> outcomes.containsKey(a));
    assertThat(gate.interrupted).hasValue(1);
    assertThat(outcomes.get(a)).isInstanceOf(Outcome.Failed.class);
  }

  @Test
  void aJobCancelledWhileItWaitedIsReportedCancelledWithoutRunning() throws Exception {
    start(1);
    Assignment a = GateTask.assignment(GateTask.NAME);
    a.cancel();

    inbox.put(a);

    await().until(() -> outcomes.containsKey(a));
    assertThat(outcomes.get(a)).isInstanceOf(Outcome.Cancelled.class);
    assertThat(gate.entered.availablePermits()).isZero();
  }

  @Test
  void itStartsOnce() {
    start(1);
    assertThatIllegalStateException().isThrownBy(() -> pool.start(inbox, (a, o) -> {}));
  }
}
