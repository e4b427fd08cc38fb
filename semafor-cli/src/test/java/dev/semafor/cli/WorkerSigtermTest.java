package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.SleepInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code semafor worker} process stopped with SIGTERM while jobs run: it exits 0, the jobs
 * that were running finish, the ones it had leased but not started go back to the queue unspent,
 * and nothing stays RUNNING.
 */
class WorkerSigtermTest {
  private static final int JOBS = 8;
  private static final int CONCURRENCY = 2;
  private static final int PREFETCH = 2;

  @Test
  void sigtermDrainsRunningJobsReleasesTheRestAndExitsZero(@TempDir Path dir) throws Exception {
    String url = "sqlite:" + dir.resolve("semafor.db");
    try (Broker broker = Brokers.open(url)) {
      Client client = new Client(broker);
      for (int i = 0; i < JOBS; i++) {
        client.enqueue(BuiltinTasks.SLEEP, new SleepInput(3_000), JobOptions.defaults().queue("q"));
      }
      Process worker = start(dir, url);
      try {
        // concurrency + prefetch jobs leased means two are running and two wait in the worker
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> counts(broker).getOrDefault(JobState.RUNNING, 0L) == CONCURRENCY + PREFETCH);
        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("worker exited").isTrue();
        assertThat(worker.exitValue())
            .as("exit code; stderr:%n%s", Files.readString(dir.resolve("err.txt")))
            .isZero();
      } finally {
        worker.destroyForcibly();
      }
      Map<JobState, Long> counts = counts(broker);
      assertThat(counts).doesNotContainKey(JobState.RUNNING);
      assertThat(counts.get(JobState.SUCCEEDED))
          .as("in-flight jobs finished")
          .isEqualTo(CONCURRENCY);
      assertThat(counts.get(JobState.QUEUED)).isEqualTo(JOBS - CONCURRENCY);
      List<JobRecord> queued = broker.query(JobQuery.all().states(JobState.QUEUED));
      assertThat(queued).allSatisfy(j -> assertThat(j.attempts()).as(j.id()).isZero());
      assertThat(Files.readString(dir.resolve("out.txt"))).contains("stopped: 2 succeeded");
    }
  }

  private static Map<JobState, Long> counts(Broker broker) {
    return broker.query(JobQuery.all()).stream()
        .collect(Collectors.groupingBy(JobRecord::state, Collectors.counting()));
  }

  private static Process start(Path dir, String url) throws Exception {
    return CliProcess.start(
        dir,
        "worker",
        "--broker",
        url,
        "--queues",
        "q",
        "--model",
        "threads",
        "--concurrency",
        String.valueOf(CONCURRENCY),
        "--prefetch",
        String.valueOf(PREFETCH),
        "--grace",
        "60s");
  }
}
