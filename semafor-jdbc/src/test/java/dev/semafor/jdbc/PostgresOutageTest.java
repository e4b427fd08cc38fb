package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.jdbc.testing.ScratchPostgres;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL restart in the middle of a run: this test starts a server of its own ({@link
 * ScratchPostgres}: {@code initdb} and {@code pg_ctl} in a temporary folder, on a free port), stops
 * it for 10 s while a worker runs, and starts it again. The worker does not exit, logs the outage
 * once per loop rather than once per poll, and goes on by itself: every job succeeds, none is lost.
 */
class PostgresOutageTest {
  private static final int JOBS = 3_000;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @Test
  void aWorkerRidesOutATenSecondServerRestartAndNothingIsLost() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger workerLogs = (Logger) LoggerFactory.getLogger("dev.semafor.worker");
    try (ScratchPostgres server = ScratchPostgres.start()) {
      String url = server.url("outage");
      try (Broker producer = Brokers.open(url);
          Broker broker = Brokers.open(url)) {
        List<JobRecord> batch = new ArrayList<>();
        for (JobRecord job : Jobs.queued("semafor.sleep", JOBS, InstantSource.system())) {
          batch.add(job.toBuilder().input("{\"ms\": 20}").build());
        }
        producer.enqueue(batch);
        logs.start();
        workerLogs.addAppender(logs);
        WorkerConfig config =
            WorkerConfig.parse("model=virtual,concurrency=8,lease=30s,heartbeat=1s,id=survivor");
        Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), config).start();
        try {
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> succeeded(producer) >= JOBS / 5);
          server.stop();
          TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis()); // the outage itself, not a wait for it
          assertThat(worker.isTerminated()).as("worker exited during the outage").isFalse();
          server.startAgain();
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(500))
              .ignoreExceptions()
              .until(() -> succeeded(producer) == JOBS);
          assertThat(worker.isTerminated()).isFalse();
        } finally {
          worker.close();
        }
        assertThat(producer.stats().get(0).total()).as("jobs stored").isEqualTo(JOBS);
      }
      List<String> warnings =
          logs.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("failed, will retry"))
              .toList();
      assertThat(warnings)
          .as("outage warnings (one per worker loop)")
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(4);
      assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("works again after"));
    } finally {
      workerLogs.detachAppender(logs);
    }
  }

  private static long succeeded(Broker broker) {
    return broker.stats().stream().mapToLong(s -> s.count(JobState.SUCCEEDED)).sum();
  }
}
