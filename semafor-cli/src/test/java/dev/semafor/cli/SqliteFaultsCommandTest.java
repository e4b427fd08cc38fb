package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command meets a corrupt SQLite file the same way: one line on stderr naming the file, exit
 * code 3, and no retrying.
 */
class SqliteFaultsCommandTest {
  @TempDir Path dir;
  private Path file;
  private String url;
  private String someId;

  @BeforeEach
  void corruptDatabase() throws Exception {
    file = dir.resolve("semafor.db");
    url = "sqlite:" + file;
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
  void statusSaysTheFileIsCorrupt() {
    assertBrokerFailed(CliRun.run("status", "--broker", url), "semafor status");
  }

  @Test
  void enqueueSaysTheFileIsCorrupt() {
    assertBrokerFailed(
        CliRun.run("enqueue", "semafor.noop", "--count", "500", "--broker", url),
        "semafor enqueue");
  }

  @Test
  void aWorkerStopsAndSaysTheFileIsCorrupt() {
    assertBrokerFailed(
        CliRun.run("worker", "--model", "sequential", "--burst", "--broker", url),
        "semafor worker");
  }

  @Test
  void aWorkerNotInBurstModeStopsToo() {
    assertBrokerFailed(
        CliRun.run("worker", "--model", "sequential", "--broker", url), "semafor worker");
  }

  @Test
  void jobSaysTheFileIsCorrupt() {
    assertBrokerFailed(CliRun.run("job", someId, "--broker", url), "semafor job");
  }

  private void assertBrokerFailed(Result r, String command) {
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.BROKER_FAILED);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith(command + ": ")
        .contains(file.toString(), "corrupt")
        .doesNotContain("Exception", "\tat ");
  }
}
