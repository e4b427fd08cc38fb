package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.tck.process.WorkerMain;
import dev.semafor.tck.process.WorkerProcesses;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker <em>processes</em> on one Redis prefix: 4 of them drain 100,000 jobs, each run once; and
 * when one is killed with SIGKILL mid-run every job still succeeds, and only the jobs it held at
 * that moment may run twice.
 */
class RedisMultiProcessTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("procs");

  @TempDir Path dir;

  private static Set<String> enqueue(Broker broker, int jobs) {
    return enqueue(broker, jobs, "{}");
  }

  /** {@code jobs} record jobs with {@code input} ({@code {"ms": N}} holds each lease N ms). */
  private static Set<String> enqueue(Broker broker, int jobs, String input) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < jobs; i += 1_000) {
      List<JobRecord> batch = new ArrayList<>(1_000);
      for (int k = 0; k < 1_000; k++) {
        batch.add(TestRedis.job(WorkerMain.RECORD).input(input).build());
      }
      broker.enqueue(batch);
      batch.forEach(j -> ids.add(j.id()));
    }
    return ids;
  }

  /** Starts one process per config, waits until each is ready, then lets them all go at once. */
  private static List<Process> startAll(
      WorkerProcesses workers, String url, List<String> configs, List<Path> logs) throws Exception {
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      started.add(workers.start(url, configs.get(i), logs.get(i)));
    }
    for (Process p : started) {
      WorkerProcesses.awaitLine(p, "READY");
    }
    for (Process p : started) {
      WorkerProcesses.go(p);
    }
    return started;
  }

  /** How often each job id appears in the run logs. */
  private static Map<String, Integer> runs(List<Path> logs) throws Exception {
    Map<String, Integer> runs = new HashMap<>();
    for (Path log : logs) {
      if (Files.exists(log)) {
        Files.readAllLines(log).forEach(id -> runs.merge(id, 1, Integer::sum));
      }
    }
    return runs;
  }

  @Test
  void fourWorkerProcessesDrainAHundredThousandJobsEachRunOnce() throws Exception {
    int jobs = 100_000;
    String url = redis.nextUrl();
    Set<String> enqueued;
    try (Broker broker = Brokers.open(url)) {
      enqueued = enqueue(broker, jobs);
    }
    List<String> configs = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      configs.add("model=virtual,concurrency=32,burst=true,id=proc-" + i);
      logs.add(dir.resolve("ran-" + i + ".txt"));
    }
    try (WorkerProcesses workers = new WorkerProcesses()) {
      for (Process p : startAll(workers, url, configs, logs)) {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("worker process exited").isTrue();
        assertThat(p.exitValue()).isZero();
      }
    }
    Map<String, Integer> runs = runs(logs);
    assertThat(runs.keySet()).as("jobs run").isEqualTo(enqueued);
    assertThat(runs.values()).as("runs per job").allMatch(n -> n == 1);
    for (Path log : logs) {
      assertThat(Files.readAllLines(log)).as("jobs run by %s", log.getFileName()).isNotEmpty();
    }
    try (Broker broker = Brokers.open(url)) {
      assertThat(broker.stats().get(0).count(JobState.SUCCEEDED)).isEqualTo(jobs);
    }
  }

  @Test
  void aWorkerProcessKilledMidRunLeavesEveryJobSucceededAndRunsTwiceOnlyWhatItHeld()
      throws Exception {
    int jobs = 4_000;
    String url = redis.nextUrl();
    try (Broker broker = Brokers.open(url)) {
      // 50 ms a job: the drain lasts about 3 s at 64 at once, long enough to see the victim
      // holding jobs and kill it then (no-op jobs drained before the victim could be caught)
      Set<String> enqueued = enqueue(broker, jobs, "{\"ms\":50}");
      List<String> configs = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        configs.add(
            "model=virtual,concurrency=16,lease=2s,heartbeat=500ms,burst=true,id=proc-" + i);
        logs.add(dir.resolve("ran-" + i + ".txt"));
      }
      try (WorkerProcesses workers = new WorkerProcesses()) {
        List<Process> processes = startAll(workers, url, configs, logs);
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(5))
            .until(
                () ->
                    count(broker, JobState.SUCCEEDED) >= jobs / 4
                        && runningUnder(broker, "proc-1") > 0); // the victim holds jobs
        Process victim = processes.get(0);
        victim.destroyForcibly();
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (Process p : processes.subList(1, 4)) {
          assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("worker process exited").isTrue();
          assertThat(p.exitValue()).isZero();
        }
      }
      // The survivors may finish the queue before the victim's leases expire: a last worker
      // reaps them and runs what is left.
      Set<String> rescued = ConcurrentHashMap.newKeySet();
      TaskRegistry registry =
          TaskRegistry.withBuiltins()
              .register(
                  WorkerMain.RECORD,
                  JsonNode.class,
                  (input, ctx) -> {
                    rescued.add(ctx.jobId());
                    return null;
                  });
      Worker rescuer =
          new Worker(
                  broker, registry, WorkerConfig.parse("model=virtual,concurrency=16,id=rescuer"))
              .start();
      try {
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> count(broker, JobState.SUCCEEDED) == jobs);
      } finally {
        rescuer.close();
      }
      Map<String, Integer> runs = runs(logs.subList(1, 4));
      rescued.forEach(id -> runs.merge(id, 1, Integer::sum));
      Map<String, Integer> twice = new HashMap<>(runs);
      twice.values().removeIf(n -> n == 1);
      assertThat(twice).as("jobs the survivors ran twice").isEmpty();
      // A job runs again only when its lease expired, and the reaper names the worker that held it.
      int ranAgain = 0;
      for (String id : enqueued) {
        JobRecord job = broker.get(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        if (job.attempts() > 1) {
          assertThat(job.error()).as("why %s ran again", id).isNotNull();
          assertThat(job.error().type()).isEqualTo("dev.semafor.LeaseExpired");
          assertThat(job.error().message()).as("held by").contains("(worker proc-1 gone?)");
          ranAgain++;
        }
      }
      assertThat(ranAgain).as("jobs the killed process held (leased, prefetched)").isPositive();
    }
  }

  private static long runningUnder(Broker broker, String workerId) {
    return broker
        .query(JobQuery.all().states(JobState.RUNNING).page(JobQuery.MAX_LIMIT, 0))
        .stream()
        .filter(job -> workerId.equals(job.workerId()))
        .count();
  }

  private static long count(Broker broker, JobState state) {
    return broker.stats().stream().mapToLong(s -> s.count(state)).sum();
  }
}
