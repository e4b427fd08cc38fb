package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code semafor chaos} end to end on the embedded broker: real worker processes, real SIGKILLs,
 * and the run's own accounting checked against the guarantee (0 lost, duplicates within bound).
 * {@link PostgresChaosCommandTest} and {@link RedisChaosCommandTest} run the same on the servers.
 */
class ChaosCommandTest {
  static final int SHORT_RUN_JOBS = 1500;

  @TempDir Path dir;

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void killedWorkersLoseNoJobAndDuplicateOnlyWhatTheyHeld() {
    assertGuaranteeHeld(shortRun("sqlite:" + dir.resolve("chaos.db")));
  }

  /**
   * A run short enough for the suite that still kills workers holding jobs: 1,500 jobs of 20 ms on
   * 2 workers of 4 threads, a SIGKILL every second for 4 s, leases of 2 s. About 10 s on a quiet
   * machine; the drain timeout (also the time the first worker JVM may take to start) is generous,
   * so that a machine busy with other builds slows the run down instead of failing it.
   */
  static CliRun.Result shortRun(String url) {
    return CliRun.run(
        "chaos",
        "--broker",
        url,
        "--jobs",
        Integer.toString(SHORT_RUN_JOBS),
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
        "--drain-timeout",
        "90s",
        "--seed",
        "7",
        "--json");
  }

  /** Every job succeeded once at least, a worker was killed, duplicates stayed under the bound. */
  static void assertGuaranteeHeld(CliRun.Result run) {
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode report = Output.tree(run.out());
    assertThat(report.get("jobs").asInt()).isEqualTo(SHORT_RUN_JOBS);
    assertThat(report.get("succeeded").asInt()).as(run.out()).isEqualTo(SHORT_RUN_JOBS);
    assertThat(report.get("lost").asInt()).as(run.out()).isZero();
    assertThat(report.get("kills").asInt()).as(run.out()).isPositive();
    assertThat(report.get("duplicate_executions").asLong())
        .as(run.out())
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
