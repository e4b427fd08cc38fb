package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.JobTimeoutException;
import dev.semafor.TaskOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cancelling running jobs, progress reports and task-level time limits, through a worker. */
class CancellationAndProgressTest {
  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  /** A heartbeat far in the future: anything faster comes through the progress interval. */
  private Worker start(ExecutionModel model) {
    WorkerConfig config =
        WorkerConfig.builder()
            .model(model)
            .concurrency(2)
            .pollInterval(Duration.ofMillis(20))
            .leaseDuration(Duration.ofMinutes(10))
            .heartbeatInterval(Duration.ofMinutes(5))
            .progressInterval(Duration.ofMillis(50))
            .shutdownGrace(Duration.ofSeconds(10))
            .build();
    Worker w = new Worker(broker, registry, config);
    workers.add(w);
    return w.start();
  }

  @Test
  void aCancelledRunningJobStopsWithinTheProgressIntervalAndEndsCancelled() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    registry.register(
        "test.loop",
        Object.class,
        (in, ctx) -> {
          running.countDown();
          while (true) {
            ctx.checkCancelled();
            Thread.onSpinWait();
          }
        });
    JobHandle job = new Client(broker, registry).enqueue("test.loop", null);
    Worker worker = start(ExecutionModel.THREADS);
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    broker.cancel(job.id());

    JobRecord done = job.await(Duration.ofSeconds(10));
    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(done.error().type()).isEqualTo("dev.semafor.Cancelled");
    assertThat(done.attempts()).isEqualTo(1);
    // counted by the completer's callback, just after the broker has the outcome
    await().untilAsserted(() -> assertThat(worker.stats().cancelled()).isEqualTo(1));
  }

  @Test
  void aSleepingJobIsInterruptedByItsCancellation() throws Exception {
    JobHandle job =
        new Client(broker, registry).enqueue("semafor.sleep", java.util.Map.of("ms", 600_000));
    Worker worker = start(ExecutionModel.VIRTUAL);
    await().until(() -> worker.pool().running() == 1);

    broker.cancel(job.id());

    assertThat(job.await(Duration.ofSeconds(10)).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void progressIsWrittenWithinTheIntervalLatestValueOnly() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    registry.register(
        "test.progress",
        Object.class,
        (in, ctx) -> {
          for (int i = 1; i <= 1000; i++) {
            ctx.progress(i / 2000.0, "step " + i);
          }
          reported.countDown();
          finish.await(30, TimeUnit.SECONDS);
          return null;
        });
    JobHandle job = new Client(broker, registry).enqueue("test.progress", null);
    start(ExecutionModel.THREADS);
    assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> "step 1000".equals(job.snapshot().progressMessage()));
    assertThat(job.snapshot().progress()).isEqualTo(0.5);
    finish.countDown();
    assertThat(job.await(Duration.ofSeconds(10)).progress()).isEqualTo(1.0);
  }

  @Test
  void aTasksDefaultTimeLimitAppliesToJobsEnqueuedWithoutIt() throws Exception {
    registry.register(
        "test.slow",
        Object.class,
        (in, ctx) -> {
          Thread.sleep(600_000);
          return null;
        },
        TaskOptions.defaults().timeout(Duration.ofMillis(100)));
    // A client without the registry: the job carries no timeout; the worker applies the task's.
    JobHandle job =
        new Client(broker)
            .enqueue("test.slow", null, dev.semafor.JobOptions.defaults().maxAttempts(1));
    assertThat(job.snapshot().timeout()).isNull();
    start(ExecutionModel.THREADS);

    JobRecord done = job.await(Duration.ofSeconds(10));
    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.error().type()).isEqualTo(JobTimeoutException.class.getName());
    assertThat(done.error().message()).contains("100 ms");
  }
}
