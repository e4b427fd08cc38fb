package dev.semafor.jdbc;

import static dev.semafor.Workflow.chord;
import static dev.semafor.Workflow.group;
import static dev.semafor.Workflow.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.Workflow;
import dev.semafor.client.Client;
import dev.semafor.client.WorkflowHandle;
import dev.semafor.jdbc.it.ControlWorkerMain;
import dev.semafor.schedule.Schedule;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.tck.process.WorkerProcesses;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job control raced across workers that share one SQLite file, each worker with its own connections
 * (so they meet only in SQLite's lock, as worker processes do): a concurrency limit across three
 * worker processes, a chord's last two members across ten workers, and a schedule's ticks across
 * three workers.
 */
class SqliteJobControlRaceTest {
  @TempDir Path dir;
  private final WorkerProcesses processes = new WorkerProcesses();
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    processes.close();
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
  }

  @Test
  void threeWorkerProcessesNeverRunMoreThanTheConcurrencyLimitOfAKey() throws Exception {
    String url = "sqlite:" + dir.resolve("limit.db");
    int jobs = 60;
    Broker broker = open(url, null);
    Client client = new Client(broker);
    for (int i = 0; i < jobs; i++) {
      client.enqueue(
          "semafor.sleep", Map.of("ms", 20), JobOptions.defaults().concurrency("tenant-42", 2));
    }
    for (int i = 1; i <= 3; i++) {
      start(url, "model=threads,concurrency=4,poll=5ms,id=proc-" + i);
    }
    for (Process p : processes.all()) {
      awaitLine(p, "READY");
    }
    for (Process p : processes.all()) {
      send(p);
    }

    JobQuery running = JobQuery.all().concurrencyKey("tenant-42").states(JobState.RUNNING);
    JobQuery done = JobQuery.all().states(JobState.SUCCEEDED).page(JobQuery.MAX_LIMIT, 0);
    int most = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (broker.query(done).size() < jobs && System.nanoTime() < deadline) {
      most = Math.max(most, broker.query(running).size());
      Thread.sleep(2);
    }
    for (Process p : processes.all()) {
      send(p);
      assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("worker process exited").isTrue();
    }

    List<JobRecord> finished = broker.query(done);
    assertThat(finished).hasSize(jobs);
    assertThat(most).as("most running at once").isEqualTo(2);
    Set<String> workers = finished.stream().map(JobRecord::workerId).collect(Collectors.toSet());
    assertThat(workers).as("processes that ran jobs").hasSizeGreaterThan(1);
  }

  @Test
  void tenWorkersFinishingAChordsLastTwoMembersTogetherStartTheCallbackOnce() throws Exception {
    String url = "sqlite:" + dir.resolve("chord.db");
    Broker watcher = open(url, null);
    CyclicBarrier lastTwo = new CyclicBarrier(2);
    TaskRegistry registry = TaskRegistry.withBuiltins();
    registry.register(
        "test.member",
        Integer.class,
        (i, ctx) -> {
          if (i >= 8) {
            String group = watcher.get(ctx.jobId()).orElseThrow().groupId();
            JobQuery others = JobQuery.all().groupId(group).states(JobState.SUCCEEDED);
            await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> watcher.query(others).size() >= 8);
            lastTwo.await(30, TimeUnit.SECONDS); // both return at the same instant
          }
          return i;
        });
    registry.register("test.collect", int[].class, (results, ctx) -> results.length);
    for (int i = 0; i < 10; i++) {
      WorkerConfig config =
          WorkerConfig.builder()
              .model(ExecutionModel.THREADS)
              .concurrency(1)
              .prefetch(0)
              .maxPrefetch(0)
              .pollInterval(Duration.ofMillis(5))
              .workerId("chord-" + i)
              .build();
      Worker w = new Worker(open(url, null), registry, config);
      closeLast.add(w);
      w.start();
    }
    Client client = new Client(watcher, registry);

    for (int round = 0; round < 50; round++) {
      List<Workflow.Step> members = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        members.add(step("test.member", i));
      }
      WorkflowHandle h = client.enqueue(chord(group(members), step("test.collect")));
      assertThat(h.await(Duration.ofSeconds(60))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
      assertThat(h.result(Integer.class)).isEqualTo(10);
      lastTwo.reset();
    }
    assertThat(watcher.query(JobQuery.all().task("test.collect").page(1000, 0)))
        .as("one callback per chord")
        .hasSize(50);
  }

  @Test
  void threeWorkersAcross100TicksEnqueueExactly100Jobs() throws Exception {
    String url = "sqlite:" + dir.resolve("cron.db");
    TestClock clock = new TestClock();
    clock.advance(Duration.ofSeconds(30)); // 00:00:30, between ticks
    Schedule minutely =
        Schedule.cron("minutely", "* * * * *", ZoneId.of("UTC"), "semafor.noop", null);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WorkerConfig config = WorkerConfig.builder().concurrency(2).workerId("cron-" + i).build();
      Worker w =
          new Worker(
              open(url, clock),
              TaskRegistry.withBuiltins(),
              config,
              Json.defaults(),
              clock,
              WorkerListener.NONE);
      closeLast.add(w);
      // not started: a started worker's own scheduler timer could claim a tick before the race
      workers.add(w.schedule(minutely));
    }
    for (Worker w : workers) {
      w.scheduler().tick();
    }
    Broker broker = open(url, clock);
    JobQuery ticks = JobQuery.all().task("semafor.noop").page(JobQuery.MAX_LIMIT, 0);
    ExecutorService racers = Executors.newFixedThreadPool(3);
    try {
      Instant first = TestClock.START.plusSeconds(60);
      for (int i = 0; i < 100; i++) {
        clock.advance(Duration.between(clock.instant(), first.plus(Duration.ofMinutes(i))));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> passes = new ArrayList<>();
        for (Worker w : workers) {
          passes.add(
              racers.submit(
                  () -> {
                    go.await();
                    return w.scheduler().tick();
                  }));
        }
        go.countDown();
        int enqueued = 0;
        for (Future<Integer> f : passes) {
          enqueued += f.get(30, TimeUnit.SECONDS);
        }
        assertThat(enqueued).as("jobs for tick " + (i + 1)).isEqualTo(1);
      }
    } finally {
      racers.shutdownNow();
    }
    assertThat(broker.query(ticks)).hasSize(100);
    assertThat(broker.schedules().get(0).lastTick())
        .isEqualTo(TestClock.START.plus(Duration.ofMinutes(100)));
  }

  private Broker open(String url, java.time.InstantSource clock) {
    Broker b = clock == null ? Brokers.open(url) : Brokers.open(url, clock);
    closeLast.add(b);
    return b;
  }

  private void start(String url, String config) throws IOException {
    processes.start(ControlWorkerMain.class, url, config);
  }

  private static void awaitLine(Process p, String prefix) throws IOException {
    WorkerProcesses.awaitLine(p, prefix);
  }

  private static void send(Process p) throws IOException {
    WorkerProcesses.go(p);
  }
}
