package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker <em>processes</em> sharing one SQLite file: each job is run by one of them, once; and the
 * jobs of a process killed with SIGKILL are run by another worker once their leases expire.
 */
class SqliteMultiProcessTest {
  private static final int JOBS = 30_000;

  @TempDir Path dir;
  private final WorkerProcesses processes = new WorkerProcesses();

  @AfterEach
  void killLeftovers() {
    processes.close();
  }

  @Test
  void threeWorkerProcessesOnOneFileRunEveryJobExactlyOnce() throws Exception {
    String url = "sqlite:" + dir.resolve("shared.db");
    Set<String> enqueued = new HashSet<>();
    try (Broker broker = Brokers.open(url)) {
      for (int i = 0; i < JOBS; i += 1_000) {
        List<JobRecord> batch = Jobs.queued(WorkerMain.RECORD, 1_000, InstantSource.system());
        broker.enqueue(batch);
        batch.forEach(job -> enqueued.add(job.id()));
      }
    }
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      logs.add(dir.resolve("ran-" + i + ".txt"));
      start(url, "model=virtual,concurrency=32,burst=true,id=proc-" + i, logs.get(i - 1));
    }
    for (Process p : processes.all()) {
      awaitLine(p, "READY");
    }
    for (Process p : processes.all()) {
      go(p);
    }
    for (Process p : processes.all()) {
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("worker process exited").isTrue();
      assertThat(p.exitValue()).isZero();
    }

    Map<String, Integer> runs = new HashMap<>();
    List<Integer> perProcess = new ArrayList<>();
    for (Path log : logs) {
      List<String> ids = Files.readAllLines(log);
      perProcess.add(ids.size());
      ids.forEach(id -> runs.merge(id, 1, Integer::sum));
    }
    Map<String, Integer> twice = new HashMap<>(runs);
    twice.values().removeIf(n -> n == 1);
    assertThat(twice).as("jobs run more than once").isEmpty();
    assertThat(runs.keySet()).as("jobs run").isEqualTo(enqueued);
    assertThat(perProcess).as("jobs run per process").allMatch(n -> n > 0);
    try (Broker broker = Brokers.open(url)) {
      assertThat(broker.stats().get(0).count(JobState.SUCCEEDED)).isEqualTo(JOBS);
      assertThat(
              broker.query(JobQuery.all().states(JobState.SUCCEEDED).page(JobQuery.MAX_LIMIT, 0)))
          .allMatch(job -> job.attempts() == 1);
    }
  }

  @Test
  void jobsHeldByAWorkerProcessKilledWithSigkillAreRunByAnotherOnceTheirLeasesExpire()
      throws Exception {
    String url = "sqlite:" + dir.resolve("killed.db");
    int jobs = 10;
    String sleep = "{\"ms\": 4000}";
    try (Broker broker = Brokers.open(url)) {
      List<JobRecord> batch = new ArrayList<>();
      for (JobRecord job : Jobs.queued("semafor.sleep", jobs, InstantSource.system())) {
        batch.add(job.toBuilder().input(sleep).build());
      }
      broker.enqueue(batch);

      Process victim =
          start(
              url,
              "model=virtual,concurrency=" + jobs + ",lease=2s,heartbeat=500ms,id=victim",
              dir.resolve("victim.txt"));
      awaitLine(victim, "READY");
      go(victim);
      await().atMost(Duration.ofSeconds(30)).until(() -> runningUnder(broker, "victim") == jobs);
      victim.destroyForcibly();
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(runningUnder(broker, "victim"))
          .as("leases left by the dead process")
          .isEqualTo(jobs);

      WorkerConfig rescuer =
          WorkerConfig.parse(
              "model=virtual,concurrency=" + jobs + ",lease=2s,heartbeat=500ms,id=rescuer");
      Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), rescuer).start();
      try {
        await()
            .atMost(Duration.ofSeconds(40))
            .until(() -> count(broker, JobState.SUCCEEDED) == jobs);
      } finally {
        worker.close();
      }

      for (JobRecord job : broker.query(JobQuery.all())) {
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.attempts()).as("attempts of %s", job.id()).isEqualTo(2);
        assertThat(job.workerId()).isEqualTo("rescuer");
      }
    }
  }

  private Process start(String url, String config, Path log) throws IOException {
    return processes.start(url, config, log);
  }

  private static void awaitLine(Process p, String prefix) throws IOException {
    WorkerProcesses.awaitLine(p, prefix);
  }

  private static void go(Process p) throws IOException {
    WorkerProcesses.go(p);
  }

  private static long runningUnder(Broker broker, String workerId) {
    return broker.query(JobQuery.all().states(JobState.RUNNING)).stream()
        .filter(job -> workerId.equals(job.workerId()))
        .count();
  }

  private static long count(Broker broker, JobState state) {
    return broker.stats().stream().mapToLong(s -> s.count(state)).sum();
  }
}
