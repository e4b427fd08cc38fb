package dev.semafor.jdbc;

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
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four worker <em>processes</em> drain 100,000 jobs from one PostgreSQL schema: each job runs
 * exactly once; and with one of them killed by SIGKILL mid-run, every job still succeeds, and only
 * jobs that the killed worker held ran twice.
 */
class PostgresMultiProcessTest {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresMultiProcessTest.class);

  private static final int JOBS = 100_000;
  private static final int WORKERS = 4;

  @TempDir Path dir;
  private final WorkerProcesses processes = new WorkerProcesses();

  @AfterEach
  void killLeftovers() {
    processes.close();
  }

  @Test
  void fourWorkerProcessesRunEveryJobExactlyOnce() throws Exception {
    String url = schemas.newUrl();
    Set<String> enqueued = enqueue(url, "{}");
    List<Path> logs = startAll(url, "burst=true");
    for (Process p : processes.all()) {
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("worker process exited").isTrue();
      assertThat(p.exitValue()).isZero();
    }

    Map<String, Integer> runs = runs(logs);
    Map<String, Integer> twice = new HashMap<>(runs);
    twice.values().removeIf(n -> n == 1);
    assertThat(twice).as("jobs run more than once").isEmpty();
    assertThat(runs.keySet()).as("jobs run").isEqualTo(enqueued);
    try (Broker broker = Brokers.open(url)) {
      assertThat(broker.stats().get(0).count(JobState.SUCCEEDED)).isEqualTo(JOBS);
    }
  }

  @Test
  void withOneWorkerKilledEveryJobSucceedsAndOnlyItsJobsRanTwice() throws Exception {
    String url = schemas.newUrl();
    Set<String> enqueued = enqueue(url, "{\"ms\": 2}"); // each worker always holds some jobs
    List<Path> logs = startAll(url, "burst=true,lease=10s,heartbeat=1s");
    Process victim = processes.all().get(0);
    try (Broker broker = Brokers.open(url)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  count(broker, JobState.SUCCEEDED) >= JOBS / 4
                      && runningUnder(broker, "proc-1") > 0);
      Set<String> held = runningIdsUnder(broker, "proc-1"); // what it ran while we looked
      victim.destroyForcibly();
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(victim.exitValue()).as("the victim was killed, not stopped").isNotZero();
      held.addAll(runningIdsUnder(broker, "proc-1")); // and what it held when it died
      for (Process p : processes.all().subList(1, WORKERS)) {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("surviving worker exited").isTrue();
        assertThat(p.exitValue()).isZero();
      }
      // The survivors stop once the queues are empty (burst); what the killed worker held may
      // still wait for its leases to expire: a last worker reaps and runs it.
      Queue<String> rescued = new ConcurrentLinkedQueue<>();
      TaskRegistry registry =
          TaskRegistry.withBuiltins()
              .register(
                  WorkerMain.RECORD,
                  JsonNode.class,
                  (input, ctx) -> {
                    rescued.add(ctx.jobId());
                    return null;
                  });
      WorkerConfig config =
          WorkerConfig.parse("model=virtual,concurrency=32,lease=10s,heartbeat=1s,id=rescuer");
      Worker rescuer = new Worker(broker, registry, config).start();
      try {
        await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> count(broker, JobState.SUCCEEDED) == JOBS);
      } finally {
        rescuer.close();
      }

      Map<String, Integer> survivorRuns = runs(logs.subList(1, WORKERS));
      rescued.forEach(id -> survivorRuns.merge(id, 1, Integer::sum));
      Map<String, Integer> twice = new HashMap<>(survivorRuns);
      twice.values().removeIf(n -> n == 1);
      assertThat(twice).as("jobs the survivors and the rescuer ran more than once").isEmpty();
      Set<String> retried = new HashSet<>();
      for (JobRecord job :
          broker.query(JobQuery.all().states(JobState.SUCCEEDED).page(JobQuery.MAX_LIMIT, 0))) {
        if (job.attempts() > 1) {
          retried.add(job.id());
        }
      }
      // (The await above saw the killed worker holding jobs just before the kill.)
      assertThat(retried)
          .as("jobs run twice (the killed worker held %s)", held.size())
          .isSubsetOf(held);
      assertThat(count(broker, JobState.SUCCEEDED)).isEqualTo(enqueued.size());
    }
  }

  private Set<String> enqueue(String url, String input) {
    Set<String> enqueued = new HashSet<>();
    try (Broker broker = Brokers.open(url)) {
      for (int i = 0; i < JOBS; i += 5_000) {
        List<JobRecord> batch = new ArrayList<>();
        for (JobRecord job : Jobs.queued(WorkerMain.RECORD, 5_000, InstantSource.system())) {
          batch.add(job.toBuilder().input(input).build());
        }
        broker.enqueue(batch);
        batch.forEach(job -> enqueued.add(job.id()));
      }
    }
    return enqueued;
  }

  /** Starts the worker processes, waits until each is ready, then lets them all go at once. */
  private List<Path> startAll(String url, String extra) throws Exception {
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= WORKERS; i++) {
      logs.add(dir.resolve("ran-" + i + ".txt"));
      processes.start(
          url, "model=virtual,concurrency=32," + extra + ",id=proc-" + i, logs.get(i - 1));
    }
    for (Process p : processes.all()) {
      WorkerProcesses.awaitLine(p, "READY");
    }
    for (Process p : processes.all()) {
      WorkerProcesses.go(p);
    }
    return logs;
  }

  private static Map<String, Integer> runs(List<Path> logs) throws Exception {
    Map<String, Integer> runs = new HashMap<>();
    for (Path log : logs) {
      Files.readAllLines(log).forEach(id -> runs.merge(id, 1, Integer::sum));
    }
    return runs;
  }

  private static long runningUnder(Broker broker, String workerId) {
    return runningIdsUnder(broker, workerId).size();
  }

  private static Set<String> runningIdsUnder(Broker broker, String workerId) {
    Set<String> ids = new HashSet<>();
    for (JobRecord job :
        broker.query(JobQuery.all().states(JobState.RUNNING).page(JobQuery.MAX_LIMIT, 0))) {
      if (workerId.equals(job.workerId())) {
        ids.add(job.id());
      }
    }
    return ids;
  }

  private static long count(Broker broker, JobState state) {
    return broker.stats().stream().mapToLong(s -> s.count(state)).sum();
  }
}
