package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.cli.CliRun.Result;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command meets a corrupt SQLite file the same way, and a worker one deleted under it: one
 * line on stderr naming the file, exit code 3, and no retrying.
 */
class SqliteFaultsCommandTest {
  @TempDir Path dir;
  private Path file;
  private String url;
  private String someId;

  @BeforeEach
  void names() {
    file = dir.resolve("semafor.db");
    url = "sqlite:" + file;
  }

  /** 20,001 jobs, then 64 KiB of noise in the middle of the file. */
  private void corruptDatabase() throws Exception {
    Result first = CliRun.run("enqueue", "semafor.noop", "--broker", url);
    assertThat(first.code()).as(first.err()).isZero();
    someId = first.lastOutLine().trim();
    Result many = CliRun.run("enqueue", "semafor.noop", "--count", "20000", "--broker", url);
    assertThat(many.code()).as(many.err()).isZero();
    byte[] noise = new byte[64 * 1024];
    new Random(42).nextBytes(noise);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(raf.length() / 2);
      raf.write(noise);
    }
  }

  @Test
  void statusSaysTheFileIsCorrupt() throws Exception {
    corruptDatabase();
    assertBrokerFailed(CliRun.run("status", "--broker", url), "semafor status");
  }

  @Test
  void enqueueSaysTheFileIsCorrupt() throws Exception {
    corruptDatabase();
    assertBrokerFailed(
        CliRun.run("enqueue", "semafor.noop", "--count", "500", "--broker", url),
        "semafor enqueue");
  }

  @Test
  void aWorkerStopsAndSaysTheFileIsCorrupt() throws Exception {
    corruptDatabase();
    assertBrokerFailed(
        CliRun.run("worker", "--model", "sequential", "--burst", "--broker", url),
        "semafor worker");
  }

  @Test
  void aWorkerNotInBurstModeStopsToo() throws Exception {
    corruptDatabase();
    assertBrokerFailed(
        CliRun.run("worker", "--model", "sequential", "--broker", url), "semafor worker");
  }

  @Test
  void jobSaysTheFileIsCorrupt() throws Exception {
    corruptDatabase();
    assertBrokerFailed(CliRun.run("job", someId, "--broker", url), "semafor job");
  }

  @Test
  void aWorkerWhoseFileIsDeletedExitsWithOneLine() throws Exception {
    Result enqueued = CliRun.run("enqueue", "semafor.noop", "--broker", url);
    String id = enqueued.lastOutLine().trim();
    CompletableFuture<Result> worker =
        CompletableFuture.supplyAsync(
            () -> CliRun.run("worker", "--model", "sequential", "--broker", url));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> CliRun.run("job", id, "--broker", url).out().contains("state     succeeded"));

    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(file + suffix));
    }

    Result r = worker.get(30, TimeUnit.SECONDS);
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.UNAVAILABLE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("semafor worker: ").contains(file.toString(), "deleted");
    assertThat(file).as("not created again").doesNotExist();
  }

  private void assertBrokerFailed(Result r, String command) {
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.UNAVAILABLE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith(command + ": ")
        .contains(file.toString(), "corrupt")
        .doesNotContain("Exception", "\tat ");
  }
}
