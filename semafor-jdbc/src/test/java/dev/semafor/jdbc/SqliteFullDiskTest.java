package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A disk that fills up and then has room again: the broker says so, then goes on. */
class SqliteFullDiskTest {
  @TempDir Path dir;

  @Test
  void writesFailWhileTheDiskIsFullAndWorkAgainOnceItHasRoom() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir, "2m");
        Broker broker = Brokers.open("sqlite:" + disk.path().resolve("semafor.db"))) {
      broker.enqueue(batch());
      disk.fill();

      BrokerUnavailableException full = fillUntilRefused(broker);
      assertThat(full).hasMessageContaining("the disk is full");
      assertThatThrownBy(() -> broker.enqueue(batch()))
          .as("still full")
          .hasMessageContaining("the disk is full");

      disk.free();

      List<JobRecord> after = broker.enqueue(batch());
      assertThat(broker.get(after.get(0).id())).isPresent();
      try (Broker other = Brokers.open("sqlite:" + disk.path().resolve("semafor.db"))) {
        other.enqueue(batch()); // the first broker holds no write lock
      }
    }
  }

  @Test
  void aBurstWorkerOnAFullDiskStopsWithTheReason() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir, "2m");
        Broker broker = Brokers.open("sqlite:" + disk.path().resolve("semafor.db"))) {
      broker.enqueue(batch());
      disk.fill();
      fillUntilRefused(broker);

      Worker worker = SqliteFaultsTest.startWorker(broker, true);

      assertThat(worker.awaitTermination(Duration.ofSeconds(60))).as("stopped").isTrue();
      assertThat(worker.failure())
          .get()
          .extracting(Throwable::getMessage)
          .asString()
          .contains("the disk is full");
    }
  }

  @Test
  void aWorkerOnAFullDiskLogsItOnceAndGoesOnOnceThereIsRoom() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(Worker.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try (SmallDisk disk = SmallDisk.mount(dir, "2m");
        Broker broker = Brokers.open("sqlite:" + disk.path().resolve("semafor.db"))) {
      List<JobRecord> jobs = broker.enqueue(batch());
      disk.fill();
      fillUntilRefused(broker);
      Worker worker = SqliteFaultsTest.startWorker(broker, false);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(lines, "fetching failed") > 0);
        disk.free();

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> broker.get(jobs.get(0).id()).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(worker.isTerminated()).isFalse();
        assertThat(count(lines, "fetching failed")).as("logged once").isEqualTo(1);
        assertThat(count(lines, "fetching works again")).isEqualTo(1);
      } finally {
        worker.close();
      }
    } finally {
      log.detachAppender(lines);
    }
  }

  private static long count(ListAppender<ILoggingEvent> lines, String text) {
    return List.copyOf(lines.list).stream()
        .filter(e -> e.getFormattedMessage().contains(text))
        .count();
  }

  private static BrokerUnavailableException fillUntilRefused(Broker broker) {
    for (int i = 0; i < 10_000; i++) {
      try {
        broker.enqueue(batch());
      } catch (BrokerUnavailableException e) {
        return e;
      }
    }
    throw new AssertionError("the disk never filled up");
  }

  private static List<JobRecord> batch() {
    String input = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
    return Jobs.queued("semafor.noop", 20, InstantSource.system()).stream()
        .map(j -> j.toBuilder().input(input).build())
        .toList();
  }
}
