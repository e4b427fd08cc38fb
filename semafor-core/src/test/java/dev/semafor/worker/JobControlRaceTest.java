package dev.semafor.worker;

import static dev.semafor.Workflow.chord;
import static dev.semafor.Workflow.group;
import static dev.semafor.Workflow.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.Workflow;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.client.WorkflowHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers racing each other over job-control limits and chords, in one JVM (the SQLite module runs
 * the same races across worker processes).
 */
class JobControlRaceTest {
  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  private void startWorkers(int count, int concurrency) {
    for (int i = 0; i < count; i++) {
      WorkerConfig config =
          WorkerConfig.builder()
              .model(ExecutionModel.THREADS)
              .concurrency(concurrency)
              .prefetch(0) // a member that waits for the others must not hold one of them back
              .maxPrefetch(0)
              .pollInterval(Duration.ofMillis(5))
              .workerId("racer-" + i)
              .build();
      workers.add(new Worker(broker, registry, config).start());
    }
  }

  @Test
  void threeWorkersNeverRunMoreThanTheConcurrencyLimitOfAKey() throws Exception {
    Client client = new Client(broker, registry);
    List<JobHandle> jobs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      jobs.add(
          client.enqueue(
              "semafor.sleep",
              java.util.Map.of("ms", 10),
              JobOptions.defaults().concurrency("tenant-42", 2)));
    }
    AtomicInteger most = new AtomicInteger();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        Thread.ofPlatform()
            .start(
                () -> {
                  JobQuery running =
                      JobQuery.all().concurrencyKey("tenant-42").states(JobState.RUNNING);
                  while (sampling.get()) {
                    most.accumulateAndGet(broker.query(running).size(), Math::max);
                    Thread.onSpinWait();
                  }
                });
    startWorkers(3, 4);

    for (JobHandle h : jobs) {
      assertThat(h.await(Duration.ofSeconds(60)).state()).isEqualTo(JobState.SUCCEEDED);
    }
    sampling.set(false);
    sampler.join();
    assertThat(most.get()).as("most running at once").isEqualTo(2);
  }

  @Test
  void tenWorkersFinishingAChordsLastTwoMembersTogetherStartTheCallbackOnce() throws Exception {
    CyclicBarrier lastTwo = new CyclicBarrier(2);
    registry.register(
        "test.member",
        Integer.class,
        (i, ctx) -> {
          if (i >= 8) {
            awaitOthers(ctx.jobId(), 8);
            lastTwo.await(30, TimeUnit.SECONDS); // both return at the same instant
          }
          return i;
        });
    registry.register("test.collect", int[].class, (results, ctx) -> results.length);
    Client client = new Client(broker, registry);
    startWorkers(10, 1);

    for (int round = 0; round < 50; round++) {
      List<Workflow.Step> members = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        members.add(step("test.member", i));
      }
      WorkflowHandle h = client.enqueue(chord(group(members), step("test.collect")));
      assertThat(h.await(Duration.ofSeconds(30))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
      assertThat(h.result(Integer.class)).isEqualTo(10);
      lastTwo.reset();
    }
    List<?> callbacks = broker.query(JobQuery.all().task("test.collect").page(1000, 0));
    assertThat(callbacks).as("one callback per chord").hasSize(50);
  }

  /** Waits until {@code count} other members of this job's group have succeeded. */
  private void awaitOthers(String jobId, int count) {
    String group = broker.get(jobId).orElseThrow().groupId();
    JobQuery done = JobQuery.all().groupId(group).states(JobState.SUCCEEDED);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> broker.query(done).size() >= count);
  }
}
