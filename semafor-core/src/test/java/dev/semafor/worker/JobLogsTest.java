package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.LogLine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Log lines a task writes through its context reach the broker: while it runs (the heartbeater's
 * progress interval) and before its outcome (the completer sends a batch's lines first), in the
 * in-process models ({@code processes} is {@code ProcessWorkerTest}'s).
 */
class JobLogsTest {
  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private Worker worker;

  @AfterEach
  void close() {
    if (worker != null) {
      worker.close();
    }
    broker.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"SEQUENTIAL", "THREADS", "VIRTUAL"})
  void linesAreSeenWhileTheJobRunsAndTheLastOnesBeforeItEnds(ExecutionModel model)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    registry.register(
        "test.logging",
        Object.class,
        (in, ctx) -> {
          ctx.log("started");
          release.await(30, TimeUnit.SECONDS);
          ctx.log("finishing\nnow");
          return null;
        });
    JobHandle job = new Client(broker, registry).enqueue("test.logging", null);
    worker =
        new Worker(
                broker,
                registry,
                WorkerConfig.builder()
                    .model(model)
                    .concurrency(1)
                    .pollInterval(Duration.ofMillis(20))
                    .progressInterval(Duration.ofMillis(50))
                    .heartbeatInterval(Duration.ofMinutes(5))
                    .leaseDuration(Duration.ofMinutes(10))
                    .build())
            .start();

    await().atMost(Duration.ofSeconds(20)).until(() -> texts(job.id()).contains("started"));
    release.countDown();

    assertThat(job.await(Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(texts(job.id())).containsExactly("started", "finishing", "now");
  }

  private List<String> texts(String jobId) {
    return broker.logs(jobId).stream().map(LogLine::text).toList();
  }
}
