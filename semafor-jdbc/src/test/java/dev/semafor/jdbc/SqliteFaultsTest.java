package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.semafor.BrokerFatalException;
import dev.semafor.ExecutionModel;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that appear while a broker has its file open: the file deleted or replaced, or corrupted.
 * Retrying cannot help with any of them, so the broker says so with a {@link BrokerFatalException}
 * and a worker stops instead of retrying for ever.
 */
class SqliteFaultsTest {
  private static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aWorkerWhoseFileIsDeletedStopsSayingSo() throws Exception {
    Path file = dir.resolve("semafor.db");
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      Worker worker = startWorker(broker, false);
      broker.enqueue(Jobs.queued("semafor.noop", 10, InstantSource.system()));
      await().atMost(STOPS_WITHIN).until(() -> worker.stats().succeeded() == 10);

      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(file + suffix));
      }

      assertStoppedBecause(worker, file, "deleted");
      assertThatThrownBy(() -> broker.stats())
          .as("every later call")
          .isInstanceOf(BrokerFatalException.class);
    }
  }

  @Test
  void aWorkerWhoseFileIsReplacedStopsSayingSo() throws Exception {
    Path file = dir.resolve("semafor.db");
    Path other = dir.resolve("other.db");
    Brokers.open("sqlite:" + other).close();
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      Worker worker = startWorker(broker, false);

      Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);

      assertStoppedBecause(worker, file, "replaced");
    }
  }

  @Test
  void aWorkerWhoseFileIsCorruptedWhileOpenStopsInsteadOfRetryingForEver() throws Exception {
    Path file = dir.resolve("semafor.db");
    fill(file);
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      corruptTheMiddle(file);
      Worker worker = startWorker(broker, false);

      assertStoppedBecause(worker, file, "corrupt");
    }
  }

  @Test
  void aCorruptFileIsRefusedWhenOpenedWhateverTheCallerMeansToDo() throws Exception {
    Path file = dir.resolve("semafor.db");
    fill(file);
    corruptTheMiddle(file);

    assertThatThrownBy(() -> Brokers.open("sqlite:" + file).close())
        .isInstanceOf(BrokerFatalException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("it is corrupt (")
        .hasMessageNotContaining("\n");
  }

  /** 20,000 queued jobs: a file of a few MiB, whose middle is job rows and index pages. */
  private static void fill(Path file) {
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      for (int i = 0; i < 20; i++) {
        broker.enqueue(Jobs.queued("semafor.noop", 1000, InstantSource.system()));
      }
    }
  }

  private static void assertStoppedBecause(Worker worker, Path file, String what)
      throws InterruptedException {
    assertThat(worker.awaitTermination(STOPS_WITHIN)).as("the worker stopped").isTrue();
    assertThat(worker.failure())
        .get()
        .isInstanceOf(BrokerFatalException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains(file.toString(), what);
  }

  /** Overwrites 64 KiB in the middle of the file with random bytes. */
  static void corruptTheMiddle(Path file) throws Exception {
    byte[] noise = new byte[64 * 1024];
    new Random(42).nextBytes(noise);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(raf.length() / 2);
      raf.write(noise);
    }
  }

  /** A sequential worker polling every 20 ms, started. */
  static Worker startWorker(Broker broker, boolean burst) {
    WorkerConfig config =
        WorkerConfig.builder()
            .model(ExecutionModel.SEQUENTIAL)
            .concurrency(1)
            .pollInterval(Duration.ofMillis(20))
            .shutdownGrace(Duration.ofSeconds(5))
            .burst(burst)
            .build();
    return new Worker(broker, TaskRegistry.withBuiltins(), config).start();
  }
}
