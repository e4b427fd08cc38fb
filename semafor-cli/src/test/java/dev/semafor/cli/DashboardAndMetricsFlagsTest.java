package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

class DashboardAndMetricsFlagsTest {
  @Test
  void dashboardOnANonLoopbackAddressWithoutATokenRefusesToStart() {
    Result r = CliRun.run("dashboard", "-b", "memory:", "--bind", "0.0.0.0", "--port", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("semafor dashboard: ").contains("without a token");
  }

  @Test
  void dashboardRefusesATokenThatIsTooShort() {
    Result r =
        CliRun.run(
            "dashboard", "-b", "memory:", "--bind", "0.0.0.0", "--port", "0", "--token", "abc");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
  }

  @Test
  void workerServesItsMetricsOnTheGivenPort() {
    Result r = CliRun.run("worker", "-b", "memory:", "--burst", "--metrics-port", "0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).containsPattern("metrics at http://127\\.0\\.0\\.1:\\d+/metrics");
  }

  @Test
  void workerRefusesAMetricsPortOutOfRange() {
    Result r = CliRun.run("worker", "-b", "memory:", "--burst", "--metrics-port", "70000");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("--metrics-port");
  }
}
