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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A {@link Worker} on the processes model, end to end on the memory broker. */
class ProcessWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final JobOptions QUICK_RETRIES =
      JobOptions.defaults()
          .maxAttempts(3)
          .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(40)));

  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.discover();
  private final Client client = new Client(broker, registry);
  private Worker worker;

  @AfterEach
  void closeWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  /** Starts a worker with one child: enough where a test does not watch two at once. */
  private Worker start() {
    return start(1);
  }

  private Worker start(int children) {
    WorkerConfig config =
        WorkerConfig.parse("model=processes,poll=20ms,heartbeat=200ms,lease=5s").toBuilder()
            .concurrency(children)
            .childJvmOptions(PoolFixture.CHILD_JVM)
            .build();
    worker = new Worker(broker, registry, config);
    return worker.start();
  }

  @Test
  void linesAChildJobLogsAreStoredWithTheJob() throws Exception {
    JobHandle job = client.enqueue(ProcessTestTasks.LOG, Map.of());
    start();

    assertThat(job.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);

    List<String> lines = broker.logs(job.id()).stream().map(l -> l.text()).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .startsWith("from pid ")
        .isNotEqualTo("from pid " + ProcessHandle.current().pid());
    assertThat(lines.subList(1, 3)).containsExactly("two lines", "in one call: ünïcödé ✓");
    assertThat(lines.get(3)).hasSize(dev.semafor.spi.LogLine.MAX_CHARS).endsWith("y…");
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
    start(2);
    ProcessPool pool = (ProcessPool) worker.pool();

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
    await().atMost(WAIT).until(() -> pool.pids().size() == 2);
    assertThat(worker.stats().dead()).isEqualTo(1);
    assertThat(worker.stats().succeeded()).isEqualTo(40);
  }

  @Test
  void jobOverItsTimeLimitIsRetriedThenDiesWithATimeoutError() throws Exception {
    JobHandle slow =
        client.enqueue(
            ProcessTestTasks.BLOCK,
            Map.of(),
            QUICK_RETRIES.maxAttempts(2).timeout(Duration.ofMillis(200)));
    JobHandle fine = client.enqueue(BuiltinTasks.ECHO, "fine");
    start();

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
    start();

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
    start();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JobRecord r = waiting.snapshot();
              return r.state() == JobState.RUNNING
                  && r.progressMessage() != null
                  && r.progressMessage().startsWith(ProcessTestTasks.STARTED);
            });

    broker.cancel(waiting.id());

    JobRecord done = waiting.await(WAIT);
    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(done.error().message()).isEqualTo("cancelled while running");
    assertThat(worker.stats().cancelled()).isEqualTo(1);
    assertThat(((ProcessPool) worker.pool()).pids()).hasSize(1);
  }

  @Test
  void closingTheWorkerStopsEveryChild() throws Exception {
    JobHandle job = client.enqueue(BuiltinTasks.ECHO, 1);
    start(2);
    assertThat(job.await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
    List<Long> children = ((ProcessPool) worker.pool()).pids();
    assertThat(children).hasSize(2);

    worker.close();

    assertThat(children).noneMatch(PoolFixture::alive);
  }
}
