package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle worker's fetcher waits in {@link dev.semafor.spi.Broker#awaitWork} after an empty lease,
 * with its back-off as the timeout, and leases again as soon as the wait returns; closing the
 * worker ends the wait. The broker here blocks every wait until the test wakes it, so nothing but
 * the wait's return can bring the fetcher back.
 */
class FetcherWakeTest {
  private static final Duration POLL = Duration.ofMillis(200);

  private final LatchedWakeBroker broker = new LatchedWakeBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client = new Client(broker, registry);
  private Worker worker;

  @AfterEach
  void close() {
    if (worker != null) {
      worker.close();
    }
  }

  private Worker start() {
    WorkerConfig config =
        WorkerConfig.builder()
            .model(ExecutionModel.THREADS)
            .concurrency(1)
            .queues(List.of("wake"))
            .pollInterval(POLL)
            .build();
    worker = new Worker(broker, registry, config).start();
    return worker;
  }

  @Test
  void anIdleFetcherWaitsForWorkWithItsBackOffAndLeasesWhenTheWaitReturns() throws Exception {
    start();
    LatchedWakeBroker.Wait first = broker.waits.poll(10, TimeUnit.SECONDS);
    assertThat(first).isEqualTo(new LatchedWakeBroker.Wait(List.of("wake"), Duration.ofMillis(1)));

    JobHandle job =
        client.enqueue(BuiltinTasks.NOOP, null, dev.semafor.JobOptions.defaults().queue("wake"));
    assertThat(job.snapshot().state())
        .as("not leased while the fetcher waits")
        .isEqualTo(JobState.QUEUED);
    broker.wake();

    await().atMost(Duration.ofSeconds(10)).until(() -> job.state() == JobState.SUCCEEDED);
  }

  @Test
  void theBackOffGrowsToThePollIntervalAndNoFurther() throws Exception {
    start();
    Duration timeout = Duration.ZERO;
    for (int i = 0; i < 12; i++) {
      LatchedWakeBroker.Wait wait = broker.waits.poll(10, TimeUnit.SECONDS);
      assertThat(wait).isNotNull();
      assertThat(wait.timeout()).isGreaterThanOrEqualTo(timeout).isLessThanOrEqualTo(POLL);
      timeout = wait.timeout();
      broker.wake();
    }
    assertThat(timeout).isEqualTo(POLL);
  }

  @Test
  void closingTheWorkerEndsTheFetchersWait() throws Exception {
    start();
    LatchedWakeBroker.Wait waiting = broker.waits.poll(10, TimeUnit.SECONDS);

    worker.close();

    assertThat(worker.isTerminated()).isTrue();
    assertThat(broker.interrupted).containsExactly(waiting);
  }
}
