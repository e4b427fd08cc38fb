package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.server.metrics.WorkerMetrics;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.WorkerInfo;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest extends ApiFixture {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$");

  @Test
  void scrapedCountsMatchTheJobsEnqueuedThroughTheApiAndRunByAWorker() throws Exception {
    startDefault();
    for (int i = 0; i < 3; i++) {
      enqueue("{\"task\":\"semafor.noop\",\"queue\":\"m\"}");
    }
    for (int i = 0; i < 2; i++) {
      enqueue(
          "{\"task\":\"semafor.fail\",\"input\":{\"message\":\"no\"},\"queue\":\"m\",\"max_attempts\":1}");
    }
    enqueue(
        "{\"task\":\"semafor.fail\",\"input\":{\"message\":\"twice\"},\"queue\":\"m\",\"max_attempts\":2}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"later\",\"delay_ms\":3600000}");

    WorkerMetrics listener = server.workerMetrics();
    WorkerConfig config =
        WorkerConfig.builder()
            .queues(List.of("m"))
            .model(ExecutionModel.THREADS)
            .concurrency(2)
            .pollInterval(Duration.ofMillis(20))
            .build();
    try (Worker worker =
        new Worker(
            broker,
            TaskRegistry.withBuiltins(),
            config,
            Json.defaults(),
            InstantSource.system(),
            listener)) {
      listener.watch(worker.start());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> count("m", JobState.SUCCEEDED) == 3 && count("m", JobState.DEAD) == 3);
    }

    String scrape = http.get("/metrics").body();

    Map<String, String> noopM = Map.of("task", "semafor.noop", "queue", "m");
    Map<String, String> failM = Map.of("task", "semafor.fail", "queue", "m");
    assertThat(value(scrape, "semafor_jobs_enqueued_total", noopM)).isEqualTo(3);
    assertThat(value(scrape, "semafor_jobs_enqueued_total", failM)).isEqualTo(3);
    assertThat(
            value(
                scrape,
                "semafor_jobs_enqueued_total",
                Map.of("task", "semafor.noop", "queue", "later")))
        .isEqualTo(1);
    assertThat(value(scrape, "semafor_jobs_succeeded_total", noopM)).isEqualTo(3);
    assertThat(value(scrape, "semafor_jobs_failed_total", failM)).isEqualTo(4);
    assertThat(value(scrape, "semafor_jobs_retried_total", failM)).isEqualTo(1);
    assertThat(value(scrape, "semafor_jobs_dead_total", failM)).isEqualTo(3);
    assertThat(value(scrape, "semafor_job_run_seconds_count", noopM)).isEqualTo(3);
    assertThat(value(scrape, "semafor_job_run_seconds_count", failM)).isEqualTo(4);
    assertThat(
            value(
                scrape,
                "semafor_job_run_seconds_bucket",
                Map.of("task", "semafor.noop", "queue", "m", "le", "+Inf")))
        .isEqualTo(3);
    assertThat(value(scrape, "semafor_job_queue_wait_seconds_count", Map.of("queue", "m")))
        .isEqualTo(7);
    assertThat(value(scrape, "semafor_jobs_in_flight", Map.of())).isZero();
    assertThat(value(scrape, "semafor_queue_jobs", Map.of("queue", "m", "state", "succeeded")))
        .isEqualTo(3);
    assertThat(value(scrape, "semafor_queue_jobs", Map.of("queue", "m", "state", "dead")))
        .isEqualTo(3);
    assertThat(value(scrape, "semafor_queue_jobs", Map.of("queue", "later", "state", "scheduled")))
        .isEqualTo(1);
    assertThat(value(scrape, "semafor_queue_depth", Map.of("queue", "m"))).isZero();
  }

  @Test
  void queueDepthFollowsTheBrokerAtEveryScrape() {
    startDefault();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"d\"}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"d\"}");

    assertThat(value(http.get("/metrics").body(), "semafor_queue_depth", Map.of("queue", "d")))
        .isEqualTo(2);
    succeedNext("d", null);
    assertThat(value(http.get("/metrics").body(), "semafor_queue_depth", Map.of("queue", "d")))
        .isEqualTo(1);
  }

  @Test
  void aLeasedJobThatHasNotStartedIsGaugedAsLeasedNotRunning() {
    startDefault();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"l\"}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"l\"}");
    var leases =
        broker.lease(new dev.semafor.spi.LeaseRequest(List.of("l"), 2, "w", Duration.ofMinutes(1)));
    broker.markStarted(List.of(leases.get(0).ref()));

    String scrape = http.get("/metrics").body();
    assertThat(value(scrape, "semafor_queue_jobs", Map.of("queue", "l", "state", "running")))
        .isEqualTo(1);
    assertThat(value(scrape, "semafor_queue_jobs", Map.of("queue", "l", "state", "leased")))
        .isEqualTo(1);
  }

  @Test
  void workerGaugesCountActiveAndGoneWorkers() {
    TestClock clock = new TestClock();
    broker = new MemoryBroker(clock);
    start(builder().clock(clock));
    broker.registerWorker(
        new WorkerInfo(
            "a", "h", 1, ExecutionModel.THREADS, 1, List.of("q"), 0, clock.instant(), null));
    clock.advance(Duration.ofMinutes(2));
    broker.registerWorker(
        new WorkerInfo(
            "b", "h", 2, ExecutionModel.THREADS, 1, List.of("q"), 0, clock.instant(), null));

    String scrape = http.get("/metrics").body();

    assertThat(value(scrape, "semafor_workers", Map.of("status", "active"))).isEqualTo(1);
    assertThat(value(scrape, "semafor_workers", Map.of("status", "gone"))).isEqualTo(1);
  }

  @Test
  void inFlightAndUtilizationFollowStartedAndFinishedAttempts() {
    startDefault();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"u\"}");
    Lease lease =
        broker.lease(new LeaseRequest(List.of("u"), 1, "w", Duration.ofMinutes(1))).get(0);
    Assignment a = new Assignment(lease, (x, f, m) -> {}, System.nanoTime());
    WorkerMetrics m = server.workerMetrics();

    m.onStarted(a);
    assertThat(value(http.get("/metrics").body(), "semafor_jobs_in_flight", Map.of())).isEqualTo(1);
    m.onFinished(a, new Outcome.Succeeded("null"), 5_000_000);
    m.onLeaseLost(a);
    m.onLeasesReaped(2);

    String scrape = http.get("/metrics").body();
    assertThat(value(scrape, "semafor_jobs_in_flight", Map.of())).isZero();
    assertThat(value(scrape, "semafor_leases_lost_total", Map.of())).isEqualTo(1);
    assertThat(value(scrape, "semafor_leases_expired_total", Map.of())).isEqualTo(2);
    assertThat(value(scrape, "semafor_pool_utilization", Map.of())).isZero();
  }

  private long count(String queue, JobState state) {
    return broker.stats().stream()
        .filter(s -> s.queue().equals(queue))
        .mapToLong(s -> s.count(state))
        .sum();
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}. */
  static double value(String scrape, String name, Map<String, String> labels) {
    Double found = null;
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> got = parseLabels(m.group(3));
      if (got.entrySet().containsAll(labels.entrySet())) {
        assertThat(found).as("more than one sample of %s%s", name, labels).isNull();
        found = Double.parseDouble(m.group(4));
      }
    }
    assertThat(found).as("sample %s%s in:\n%s", name, labels, scrape).isNotNull();
    return found;
  }

  private static Map<String, String> parseLabels(String text) {
    Map<String, String> labels = new TreeMap<>();
    if (text == null || text.isBlank()) {
      return labels;
    }
    Matcher m =
        Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    return labels;
  }
}
