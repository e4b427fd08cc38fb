package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.ForwardingBroker;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker on a paused queue takes none of its jobs and waits between leases as on an empty queue
 * (it does not spin); once the queue is resumed it runs them at once. Its other queue goes on.
 */
class PausedQueueWorkerTest {
  private final MemoryBroker memory = new MemoryBroker();
  private final AtomicInteger leaseCalls = new AtomicInteger();
  private final ForwardingBroker broker =
      new ForwardingBroker(memory) {
        @Override
        public List<Lease> lease(LeaseRequest request) {
          leaseCalls.incrementAndGet();
          return super.lease(request);
        }
      };
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private Worker worker;

  @AfterEach
  void close() {
    if (worker != null) {
      worker.close();
    }
    memory.close();
  }

  @Test
  void aPausedQueueWaitsWithoutSpinningAndRunsOnceResumed() throws Exception {
    Client client = new Client(broker, registry);
    memory.pauseQueue("mail");
    List<JobHandle> mail = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mail.add(
          client.enqueue("semafor.noop", null, dev.semafor.JobOptions.defaults().queue("mail")));
    }
    JobHandle other =
        client.enqueue("semafor.noop", null, dev.semafor.JobOptions.defaults().queue("other"));
    worker =
        new Worker(
                broker,
                registry,
                WorkerConfig.builder()
                    .model(ExecutionModel.THREADS)
                    .concurrency(2)
                    .queues(List.of("mail", "other"))
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .start();

    assertThat(other.await(Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
    int before = leaseCalls.get();
    long t0 = System.nanoTime();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> mail.stream().allMatch(h -> h.snapshot().state() == JobState.QUEUED));
    double seconds = (System.nanoTime() - t0) / 1e9;
    int calls = leaseCalls.get() - before;

    assertThat(calls)
        .as("leases in %.2f s on a paused queue (50 ms poll)", seconds)
        .isLessThan((int) (seconds * 100));

    memory.resumeQueue("mail");

    for (JobHandle h : mail) {
      assertThat(h.await(Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
    }
  }
}
