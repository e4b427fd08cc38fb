package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Races four workers of eight threads each over one broker: every job runs exactly once. */
class WorkerRaceTest {
  private static final int JOBS = 100_000;

  @Test
  void fourWorkersOfEightThreadsCompleteEveryJobExactlyOnce() throws Exception {
    MemoryBroker broker = new MemoryBroker();
    ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    TaskRegistry tasks = new TaskRegistry();
    tasks.register(
        "test.count",
        Object.class,
        (input, ctx) -> {
          runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
          return null;
        });
    Client client = new Client(broker, tasks);
    List<Client.JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      batch.add(new Client.JobRequest("test.count", i, JobOptions.defaults()));
      if (batch.size() == 1000) {
        client.enqueueAll(batch);
        batch.clear();
      }
    }

    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      WorkerConfig config =
          WorkerConfig.builder()
              .model(ExecutionModel.THREADS)
              .concurrency(8)
              .burst(true)
              .workerId("race-" + i)
              .build();
      workers.add(new Worker(broker, tasks, config).start());
    }
    for (Worker w : workers) {
      assertThat(w.awaitTermination(Duration.ofMinutes(2))).isTrue();
    }

    QueueStats stats = broker.stats().get(0);
    assertThat(stats.count(JobState.SUCCEEDED)).isEqualTo(JOBS);
    assertThat(stats.total()).isEqualTo(JOBS);
    assertThat(runs).hasSize(JOBS);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(workers.stream().mapToLong(w -> w.stats().succeeded()).sum()).isEqualTo(JOBS);
    assertThat(workers.stream().mapToLong(w -> w.stats().lost()).sum()).isZero();
    assertThat(broker.query(JobQuery.all().states(JobState.RUNNING))).isEmpty();
  }
}
