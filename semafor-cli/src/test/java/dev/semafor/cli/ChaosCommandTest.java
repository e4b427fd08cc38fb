package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code semafor chaos} end to end on the embedded broker: real worker processes, real SIGKILLs,
 * and the run's own accounting checked against the guarantee (0 lost, duplicates within bound).
 */
class ChaosCommandTest {
  @TempDir Path dir;

  @Test
  void killedWorkersLoseNoJobAndDuplicateOnlyWhatTheyHeld() {
    CliRun.Result run =
        CliRun.run(
            "chaos",
            "--broker",
            "sqlite:" + dir.resolve("chaos.db"),
            "--jobs",
            "1500",
            "--workers",
            "2",
            "--concurrency",
            "4",
            "--job-time",
            "20ms",
            "--kill-every",
            "1s",
            "--duration",
            "4s",
            "--lease",
            "2s",
            "--seed",
            "7",
            "--json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode report = Output.tree(run.out());
    assertThat(report.get("jobs").asInt()).isEqualTo(1500);
    assertThat(report.get("succeeded").asInt()).isEqualTo(1500);
    assertThat(report.get("lost").asInt()).isZero();
    assertThat(report.get("kills").asInt()).isPositive();
    assertThat(report.get("duplicate_executions").asLong())
        .isLessThanOrEqualTo(report.get("duplicate_bound").asLong());
    assertThat(report.get("guarantee_held").asBoolean()).isTrue();
  }

  @Test
  void theMemoryBrokerIsRefusedInOneLine() {
    CliRun.Result run = CliRun.run("chaos", "--broker", "memory:", "--jobs", "10");

    assertThat(run.code()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("worker processes share").doesNotContain("Exception");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void badSettingsAreRefusedBeforeAnythingStarts() {
    CliRun.Result run =
        CliRun.run("chaos", "--broker", "sqlite:" + dir.resolve("x.db"), "--kill-every", "1ms");

    assertThat(run.code()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("--kill-every must be at least 100ms");
  }
}
