package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.JobTimeoutException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jobs that harm their worker in the in-process models: tasks that ignore interrupts past their
 * time limit or at shutdown, and listeners that throw. Each ends recorded, its attempt counted, and
 * the worker keeps its members.
 */
class PoisonJobTest {
  private static final String STUBBORN = StubbornTask.NAME;

  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client = new Client(broker, registry);
  private final List<Worker> workers = new ArrayList<>();

  /** Lets the stubborn tasks return. */
  private final CountDownLatch release = new CountDownLatch(1);

  /** Counted down each time a stubborn task starts. */
  private final CountDownLatch started = new CountDownLatch(1);

  PoisonJobTest() {
    StubbornTask.register(registry, started, release);
  }

  @AfterEach
  void closeWorkers() {
    release.countDown();
    workers.forEach(Worker::close);
  }

  private Worker start(ExecutionModel model, Duration grace, WorkerListener listener) {
    WorkerConfig config =
        WorkerConfig.builder()
            .model(model)
            .concurrency(1)
            .pollInterval(Duration.ofMillis(20))
            .shutdownGrace(grace)
            .build();
    Worker w =
        new Worker(
            broker,
            registry,
            config,
            dev.semafor.Json.defaults(),
            java.time.InstantSource.system(),
            listener);
    workers.add(w);
    return w.start();
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"SEQUENTIAL", "THREADS", "VIRTUAL"})
  void aTaskThatIgnoresItsTimeLimitIsRecordedAsTimedOutAndItsMemberIsReplaced(ExecutionModel model)
      throws Exception {
    JobHandle stubborn =
        client.enqueue(
            STUBBORN, null, JobOptions.defaults().maxAttempts(1).timeout(Duration.ofMillis(100)));
    start(model, Duration.ofSeconds(10), WorkerListener.NONE);

    JobRecord done = stubborn.await(Duration.ofSeconds(10));
    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.error().type()).isEqualTo(JobTimeoutException.class.getName());

    // Concurrency 1, and the stubborn task still holds its thread: a new member runs the next job.
    JobHandle next = client.enqueue(BuiltinTasks.NOOP, null);
    assertThat(next.await(Duration.ofSeconds(10)).state()).isEqualTo(JobState.SUCCEEDED);

    // What the task returns after its time limit changes nothing.
    release.countDown();
    JobHandle after = client.enqueue(BuiltinTasks.NOOP, null);
    assertThat(after.await(Duration.ofSeconds(10)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(stubborn.snapshot().state()).isEqualTo(JobState.DEAD);
    assertThat(stubborn.snapshot().result()).isNull();
  }

  @Test
  void aJobStillRunningWhenItsWorkerStopsCountsItsAttemptAndEndsDeadAfterItsAttempts()
      throws Exception {
    JobHandle job = client.enqueue(STUBBORN, null, JobOptions.defaults().maxAttempts(1));
    Worker worker = start(ExecutionModel.THREADS, Duration.ofMillis(50), WorkerListener.NONE);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    worker.close();

    JobRecord done = job.snapshot();
    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.error().type()).isEqualTo(StoppedJobs.ERROR_TYPE);
    assertThat(done.error().message())
        .startsWith("the worker stopped (System.exit?) while the job ran");
    assertThat(worker.stats().released()).isZero();
  }

  @Test
  void aJobStillRunningWhenItsWorkerStopsIsRetriedWhileItHasAttemptsLeft() throws Exception {
    JobHandle job = client.enqueue(STUBBORN, null, JobOptions.defaults().maxAttempts(3));
    Worker worker = start(ExecutionModel.VIRTUAL, Duration.ofMillis(50), WorkerListener.NONE);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    worker.close();

    JobRecord done = job.snapshot();
    assertThat(done.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.error().type()).isEqualTo(StoppedJobs.ERROR_TYPE);
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"SEQUENTIAL", "THREADS", "VIRTUAL"})
  void aListenerThatThrowsNeitherKillsAMemberNorLosesAJob(ExecutionModel model) throws Exception {
    WorkerListener throwing =
        new WorkerListener() {
          @Override
          public void onStarted(Assignment assignment) {
            throw new IllegalStateException("onStarted broke");
          }

          @Override
          public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
            throw new IllegalStateException("onFinished broke");
          }

          @Override
          public void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {
            throw new IllegalStateException("onRecorded broke");
          }
        };
    List<JobHandle> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(client.enqueue(BuiltinTasks.NOOP, null));
    }
    Worker worker = start(model, Duration.ofSeconds(10), throwing);

    for (JobHandle job : jobs) {
      assertThat(job.await(Duration.ofSeconds(10)).state()).isEqualTo(JobState.SUCCEEDED);
    }
    await().until(() -> worker.stats().succeeded() == 3);
    assertThat(worker.stats().lost()).isZero();
  }
}
