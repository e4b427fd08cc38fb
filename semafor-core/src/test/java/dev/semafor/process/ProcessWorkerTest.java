package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.Backoff;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.JobTimeoutException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A {@link Worker} on the processes model, end to end on the memory broker.
 *
 * <p>The tests share one worker of two children ({@link #shared}; the last closes it), as a child
 * costs its start: each waits, after it, for the worker to be idle (a child it killed may still be
 * being replaced: the next test's jobs go to the other meanwhile); counts are taken as differences.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final JobOptions QUICK_RETRIES =
      JobOptions.defaults()
          .maxAttempts(3)
          .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(40)));

  private static final MemoryBroker broker = new MemoryBroker();
  private static final TaskRegistry registry = TaskRegistry.discover();
  private static final Client client = new Client(broker, registry);

  /** The worker the tests share, started by the first that asks; null until then. */
  private static Worker shared;

  @AfterEach
  void leavesTheSharedWorkerServing() {
    if (shared != null) {
      await().atMost(WAIT).until(() -> shared.stats().inFlight() == 0);
    }
  }

  @AfterAll
  static void closeSharedWorker() {
    if (shared != null) {
      shared.close();
    }
  }

  private static Worker shared() {
    if (shared == null) {
      shared = start(2);
    }
    return shared;
  }

  private static Worker start(int children) {
    WorkerConfig config =
        WorkerConfig.parse("model=processes,poll=20ms,heartbeat=200ms,lease=5s").toBuilder()
            .concurrency(children)
            .childJvmOptions(PoolFixture.CHILD_JVM)
            .build();
    return new Worker(broker, registry, config).start();
  }

  private static ProcessPool pool(Worker worker) {
    return (ProcessPool) worker.pool();
  }

  @Test
  void linesAChildJobLogsAreStoredWithTheJob() throws Exception {
    JobHandle job = client.enqueue(ProcessTestTasks.LOG, Map.of());
    shared();

    assertThat(job.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);

    List<String> lines = broker.logs(job.id()).stream().map(l -> l.text()).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .startsWith("from pid ")
        .isNotEqualTo("from pid " + ProcessHandle.current().pid());
    assertThat(lines.subList(1, 3)).containsExactly("two lines", "in one call: ünïcödé ✓");
    assertThat(lines.get(3)).hasSize(dev.semafor.spi.LogLine.MAX_CHARS).endsWith("y…");
  }

  /** The last test: it closes the shared worker. */
  @Test
  @Order(Integer.MAX_VALUE)
  void closingTheWorkerStopsEveryChild() throws Exception {
    JobHandle job = client.enqueue(BuiltinTasks.ECHO, 1);
    Worker worker = shared();
    assertThat(job.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
    List<Long> children =
        await().atMost(WAIT).until(() -> pool(worker).pids(), pids -> pids.size() == 2);

    worker.close();

    assertThat(children).noneMatch(PoolFixture::alive);
  }

  @Test
  void jobThatKillsItsChildEveryAttemptEndsDeadWhileTheOthersComplete() throws Exception {
    JobHandle killer =
        client.enqueue(ProcessTestTasks.HALT, Map.of("code", 13), QUICK_RETRIES.maxAttempts(2));
    List<JobHandle> others = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      others.add(
          i % 2 == 0
              ? client.enqueue(BuiltinTasks.PRIMES, Map.of("n", 1_000_003L + i))
              : client.enqueue(BuiltinTasks.ECHO, Map.of("i", i)));
    }
    Worker worker = shared();
    long deadBefore = worker.stats().dead();
    long succeededBefore = worker.stats().succeeded();

    JobRecord dead = killer.await(WAIT);

    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.error().type()).isEqualTo(WorkerProcessDiedException.class.getName());
    assertThat(dead.error().message())
        .matches("worker process \\d+ died while running job " + killer.id() + ": exit code 13");
    for (JobHandle other : others) {
      assertThat(other.await(WAIT).state()).as(other.toString()).isEqualTo(JobState.SUCCEEDED);
    }
    assertThat(others.get(1).snapshot().result()).isEqualTo("{\"i\":1}");
    await().atMost(WAIT).until(() -> pool(worker).pids().size() == 2);
    await().atMost(WAIT).until(() -> worker.stats().succeeded() - succeededBefore == 40);
    assertThat(worker.stats().dead() - deadBefore).isEqualTo(1);
  }

  @Test
  void jobOverItsTimeLimitIsRetriedThenDiesWithATimeoutError() throws Exception {
    JobHandle slow =
        client.enqueue(
            ProcessTestTasks.BLOCK,
            Map.of(),
            QUICK_RETRIES.maxAttempts(2).timeout(Duration.ofMillis(200)));
    JobHandle fine = client.enqueue(BuiltinTasks.ECHO, "fine");
    shared();

    JobRecord dead = slow.await(WAIT);

    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.error().type()).isEqualTo(JobTimeoutException.class.getName());
    assertThat(dead.error().message())
        .matches(
            "job "
                + slow.id()
                + " timed out after 200 ms; worker process \\d+ was killed and replaced");
    assertThat(fine.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aTasksDefaultTimeLimitKillsTheChild() throws Exception {
    // A client without the registry: the job carries no limit; the worker applies the task's.
    JobHandle slow =
        new Client(broker)
            .enqueue(ProcessTestTasks.BLOCK_LIMITED, Map.of(), QUICK_RETRIES.maxAttempts(1));
    assertThat(slow.snapshot().timeout()).isNull();
    shared();

    JobRecord dead = slow.await(WAIT);

    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.error().type()).isEqualTo(JobTimeoutException.class.getName());
    assertThat(dead.error().message())
        .matches(
            "job "
                + slow.id()
                + " timed out after 200 ms; worker process \\d+ was killed and replaced");
  }

  @Test
  void cancellingARunningJobReachesItsChild() throws Exception {
    JobHandle waiting = client.enqueue(ProcessTestTasks.AWAIT_CANCEL, Map.of());
    Worker worker = shared();
    long cancelledBefore = worker.stats().cancelled();
    JobRecord running =
        await()
            .atMost(WAIT)
            .until(
                waiting::snapshot,
                r ->
                    r.state() == JobState.RUNNING
                        && r.progressMessage() != null
                        && r.progressMessage().startsWith(ProcessTestTasks.STARTED));
    long pid =
        Long.parseLong(running.progressMessage().substring(ProcessTestTasks.STARTED.length()));

    broker.cancel(waiting.id());

    JobRecord done = waiting.await(WAIT);
    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(done.error().message()).isEqualTo("cancelled while running");
    // The outcome is written to the broker before the worker counts it (its completer's
    // callback): the count follows a moment later.
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(worker.stats().cancelled() - cancelledBefore).isEqualTo(1));
    assertThat(pool(worker).pids()).as("its child was not killed").contains(pid);
  }
}
