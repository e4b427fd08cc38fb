package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.Backoff;
import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkerTest {
  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client = new Client(broker, registry);
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  private Worker start(WorkerConfig config) {
    Worker w = new Worker(broker, registry, config);
    workers.add(w);
    return w.start();
  }

  private static WorkerConfig.Builder config(ExecutionModel model, int concurrency) {
    return WorkerConfig.builder()
        .model(model)
        .concurrency(concurrency)
        .pollInterval(Duration.ofMillis(20))
        .shutdownGrace(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"SEQUENTIAL", "THREADS", "VIRTUAL"})
  void everyInProcessModelRunsJobsToSuccess(ExecutionModel model) throws Exception {
    int concurrency = model == ExecutionModel.SEQUENTIAL ? 1 : 4;
    List<JobHandle> handles = new ArrayList<>();
    for (long n : new long[] {2, 15, 97, 1_000_003}) {
      handles.add(client.enqueue(BuiltinTasks.PRIMES, Map.of("n", n)));
    }
    Worker worker = start(config(model, concurrency).burst(true).build());

    assertThat(worker.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(JobState.SUCCEEDED));
    assertThat(handles.get(2).result(BuiltinTasks.PrimesResult.class).prime()).isTrue();
    assertThat(handles.get(1).result(BuiltinTasks.PrimesResult.class).prime()).isFalse();
    assertThat(worker.stats().succeeded()).isEqualTo(4);
  }

  @Test
  void aBurstWorkerStopsAsSoonAsItsLastJobIsRecordedNotAtItsNextIdlePoll() throws Exception {
    // While the job runs the queue is empty, so the fetcher backs off on its timer. On virtual time
    // that back-off never ends by itself: only the end of the last job can wake the fetcher.
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StubbornTask.register(registry, started, release);
    JobHandle job = client.enqueue(StubbornTask.NAME, null);
    VirtualTime time = new VirtualTime();
    Worker worker =
        new Worker(
            broker,
            registry,
            config(ExecutionModel.THREADS, 1)
                .pollInterval(Duration.ofSeconds(60))
                .burst(true)
                .build(),
            Json.defaults(),
            time,
            WorkerListener.NONE);
    workers.add(worker);
    worker.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    await().until(() -> time.pending() > 0); // the fetcher is backing off

    release.countDown();

    assertThat(worker.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void failingJobRetriesWithBackoffThenDies() throws Exception {
    JobHandle job =
        client.enqueue(
            BuiltinTasks.FAIL,
            Map.of("message", "boom"),
            JobOptions.defaults()
                .maxAttempts(3)
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(40))));
    start(config(ExecutionModel.THREADS, 2).build());

    JobRecord done = job.await(Duration.ofSeconds(20));
    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(done.error().message()).isEqualTo("boom");
    assertThat(done.error().stackTrace()).contains("BuiltinTasks");
  }

  @Test
  void payloadThatDoesNotBindFailsThatJobOnlyAndTheWorkerGoesOn() throws Exception {
    JobHandle bad = new Client(broker).enqueue(BuiltinTasks.SLEEP, Map.of("ms", "not a number"));
    JobHandle good = client.enqueue(BuiltinTasks.ECHO, Map.of("hello", "world"));
    start(config(ExecutionModel.THREADS, 2).build());

    JobRecord failed = bad.await(Duration.ofSeconds(20));
    assertThat(failed.state()).isEqualTo(JobState.DEAD);
    assertThat(failed.attempts()).as("a payload error is not retried").isEqualTo(1);
    assertThat(failed.error().type()).isEqualTo(PayloadException.class.getName());
    assertThat(failed.error().message()).contains("SleepInput");
    assertThat(good.await(Duration.ofSeconds(20)).result()).isEqualTo("{\"hello\":\"world\"}");
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"SEQUENTIAL", "THREADS", "VIRTUAL"})
  void closeLetsRunningJobsFinishAndHandsBackTheRest(ExecutionModel model) throws Exception {
    int concurrency = model == ExecutionModel.SEQUENTIAL ? 1 : 2;
    CountDownLatch started = new CountDownLatch(concurrency);
    CountDownLatch proceed = new CountDownLatch(1);
    TaskRegistry tasks = TaskRegistry.withBuiltins();
    tasks.register(
        "test.gate",
        Object.class,
        (input, ctx) -> {
          started.countDown();
          proceed.await();
          return "done";
        });
    Client c = new Client(broker, tasks);
    List<JobHandle> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(c.enqueue("test.gate", i));
    }
    Worker worker =
        new Worker(broker, tasks, config(model, concurrency).prefetch(4).build()).start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closer = Thread.ofPlatform().start(worker::close);
    await().until(() -> countIn(JobState.QUEUED) == 20 - concurrency);
    proceed.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(worker.isTerminated()).isTrue();
    assertThat(countIn(JobState.SUCCEEDED)).isEqualTo(concurrency);
    assertThat(countIn(JobState.RUNNING)).as("nothing stays RUNNING").isZero();
    assertThat(all.stream().filter(h -> h.state() == JobState.QUEUED))
        .as("unstarted jobs handed back, attempt not counted")
        .hasSize(20 - concurrency)
        .allSatisfy(h -> assertThat(h.snapshot().attempts()).isZero());
  }

  @Test
  void jobsRunningPastTheGraceAreInterruptedAndRetriedNotLost() throws Exception {
    JobHandle slow = client.enqueue(BuiltinTasks.SLEEP, Map.of("ms", 60_000));
    Worker worker =
        start(config(ExecutionModel.THREADS, 1).shutdownGrace(Duration.ofMillis(100)).build());
    await().until(() -> worker.pool().running() == 1);

    worker.close();

    JobRecord r = slow.snapshot();
    assertThat(r.state()).isIn(JobState.SCHEDULED, JobState.QUEUED);
    assertThat(r.error().type()).isEqualTo(InterruptedException.class.getName());
  }

  @Test
  void cancelledRunningJobIsInterruptedAtTheNextHeartbeat() throws Exception {
    JobHandle slow = client.enqueue(BuiltinTasks.SLEEP, Map.of("ms", 60_000));
    Worker worker =
        start(
            config(ExecutionModel.VIRTUAL, 2)
                .leaseDuration(Duration.ofSeconds(3))
                .heartbeatInterval(Duration.ofMillis(50))
                .build());
    await().until(() -> worker.pool().running() == 1);

    broker.cancel(slow.id());

    JobRecord r = slow.await(Duration.ofSeconds(10));
    assertThat(r.state()).isEqualTo(JobState.CANCELLED);
    // counted by the completer's callback, just after the broker has the outcome
    await().untilAsserted(() -> assertThat(worker.stats().cancelled()).isEqualTo(1));
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"THREADS", "VIRTUAL"})
  void jobOverItsTimeLimitIsInterruptedAndFailedWithATimeout(ExecutionModel model)
      throws Exception {
    JobHandle slow =
        client.enqueue(
            BuiltinTasks.SLEEP,
            Map.of("ms", 60_000),
            JobOptions.defaults().timeout(Duration.ofMillis(100)).maxAttempts(1));
    JobHandle quick =
        client.enqueue(
            BuiltinTasks.SLEEP,
            Map.of("ms", 1),
            JobOptions.defaults().timeout(Duration.ofSeconds(30)));
    start(config(model, 2).build());

    JobRecord r = slow.await(Duration.ofSeconds(20));
    assertThat(r.state()).isEqualTo(JobState.DEAD);
    assertThat(r.error().type()).isEqualTo(dev.semafor.JobTimeoutException.class.getName());
    assertThat(r.error().message()).contains("timed out after 100 ms");
    assertThat(quick.await(Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void workerRegistersWhileRunningAndUnregistersWhenClosed() {
    Worker worker = start(config(ExecutionModel.VIRTUAL, 8).workerId("registry-test").build());

    assertThat(broker.workers())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.id()).isEqualTo("registry-test");
              assertThat(w.model()).isEqualTo(ExecutionModel.VIRTUAL);
              assertThat(w.concurrency()).isEqualTo(8);
              assertThat(w.pid()).isEqualTo(ProcessHandle.current().pid());
            });
    worker.close();
    assertThat(broker.workers()).isEmpty();
  }

  @Test
  void shortJobsAreNotHeldHostageBehindALongOne() throws Exception {
    // One worker is busy with a long job; short jobs enqueued after it must go to the idle
    // worker instead of waiting in the busy worker's local queue.
    TaskRegistry tasks = TaskRegistry.withBuiltins();
    CountDownLatch release = new CountDownLatch(1);
    tasks.register("test.long", Object.class, (in, ctx) -> release.await(30, TimeUnit.SECONDS));
    Client c = new Client(broker, tasks);
    c.enqueue("test.long", null);
    Worker busy =
        new Worker(broker, tasks, config(ExecutionModel.THREADS, 1).prefetch(0).build()).start();
    workers.add(busy);
    await().until(() -> busy.pool().running() == 1);
    List<JobHandle> shorts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      shorts.add(c.enqueue(BuiltinTasks.NOOP, null));
    }
    Worker idle = new Worker(broker, tasks, config(ExecutionModel.THREADS, 1).build()).start();
    workers.add(idle);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> shorts.stream().allMatch(h -> h.state() == JobState.SUCCEEDED));
    assertThat(busy.stats().succeeded()).isZero();
    release.countDown();
  }

  private long countIn(JobState state) {
    return broker.query(JobQuery.all().states(state).page(10_000, 0)).size();
  }
}
