package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.SleepInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code worker} and {@code demo} processes meeting Ctrl-C (SIGINT): the first says in one
 * line what it waits for and stops gracefully, a second stops at once, and the demo leaves no job
 * waiting on a queue nobody serves.
 */
class CtrlCTest {
  @BeforeEach
  void sigintReachesChildren() throws Exception {
    assumeFalse(CliProcess.sigintIgnored(), "SIGINT is ignored in this process and its children");
  }

  @Test
  void workerSaysWhatItWaitsForAndASecondCtrlCStopsAtOnce(@TempDir Path dir) throws Exception {
    String url = "sqlite:" + dir.resolve("semafor.db");
    try (Broker broker = Brokers.open(url)) {
      Client client = new Client(broker);
      for (int i = 0; i < 4; i++) {
        client.enqueue(
            BuiltinTasks.SLEEP, new SleepInput(120_000), JobOptions.defaults().queue("q"));
      }
      Process worker =
          CliProcess.start(
              dir,
              "worker",
              "--broker",
              url,
              "--queues",
              "q",
              "--concurrency",
              "2",
              "--prefetch",
              "0",
              "--grace",
              "60s");
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> counts(broker).getOrDefault(JobState.RUNNING, 0L) == 2);
        CliProcess.interrupt(worker);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> CliProcess.err(dir).contains("Ctrl-C again"));
        assertThat(worker.isAlive()).as("waits for its running jobs").isTrue();
        assertThat(CliProcess.err(dir))
            .contains("stopping: waiting up to 60 s for 2 running jobs; Ctrl-C again to stop now");

        CliProcess.interrupt(worker);
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("stopped at once").isTrue();
        assertThat(worker.exitValue()).isEqualTo(StopSignals.INTERRUPTED);
      } finally {
        worker.destroyForcibly();
      }
      // the two that ran were not finished: they come back when their leases expire
      assertThat(counts(broker).get(JobState.RUNNING)).isEqualTo(2L);
      assertThat(counts(broker).get(JobState.QUEUED)).isEqualTo(2L);
    }
  }

  @Test
  void demoStoppedWithCtrlCLeavesNothingWaitingAndTheNextRunStartsClean(@TempDir Path dir)
      throws Exception {
    String url = "sqlite:" + dir.resolve("semafor.db");
    Process demo =
        CliProcess.start(dir, "demo", "--broker", url, "--model", "threads", "--concurrency", "1");
    try (Broker broker = Brokers.open(url)) {
      try {
        // One of the demo's own twenty succeeded: the job of its broker warm-up passes through
        // SUCCEEDED too, before it is deleted and the twenty are enqueued.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  Map<JobState, Long> now = counts(broker);
                  return now.values().stream().mapToLong(Long::longValue).sum() == 20
                      && now.getOrDefault(JobState.SUCCEEDED, 0L) >= 1;
                });
        CliProcess.interrupt(demo);
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exited").isTrue();
        assertThat(demo.exitValue()).as(CliProcess.err(dir)).isEqualTo(StopSignals.INTERRUPTED);
      } finally {
        demo.destroyForcibly();
      }
      assertThat(CliProcess.err(dir))
          .contains("stopping the demo: waiting up to")
          .contains("demo stopped:");
      Map<JobState, Long> left = counts(broker);
      assertThat(left).containsOnlyKeys(JobState.SUCCEEDED, JobState.CANCELLED);
      assertThat(left.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);

      CliRun.Result again = CliRun.run("demo", "--broker", url, "--model", "threads", "--json");
      assertThat(again.code()).as(again.err()).isZero();
      List<QueueStats> queues = broker.stats();
      assertThat(queues).extracting(QueueStats::queue).containsExactly(DemoCommand.QUEUE);
      assertThat(counts(broker)).containsExactly(Map.entry(JobState.SUCCEEDED, 20L));
    }
  }

  private static Map<JobState, Long> counts(Broker broker) {
    return broker.query(JobQuery.all()).stream()
        .collect(Collectors.groupingBy(JobRecord::state, Collectors.counting()));
  }
}
