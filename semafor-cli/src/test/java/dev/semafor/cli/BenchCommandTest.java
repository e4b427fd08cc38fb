package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void jsonCarriesRatesAndLatencyPercentiles() throws Exception {
    Result r =
        CliRun.run(
            "bench", "-b", "memory:", "--jobs", "3000", "--batch", "700", "-m", "threads", "-c",
            "2", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(1);
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("jobs").asInt()).isEqualTo(3000);
    assertThat(json.get("succeeded").asInt()).isEqualTo(3000);
    assertThat(json.get("model").asText()).isEqualTo("threads");
    assertThat(json.get("concurrency").asInt()).isEqualTo(2);
    assertThat(json.get("jobs_per_sec").asDouble()).isPositive();
    assertThat(json.get("startup_seconds").asDouble()).isNotNegative();
    assertThat(json.get("enqueue_per_sec").asDouble()).isPositive();
    assertThat(json.get("latency_samples").asInt()).isEqualTo(3000);
    JsonNode latency = json.get("latency_ms");
    assertThat(latency.get("p50").isNumber()).isTrue();
    assertThat(latency.get("p99").asDouble()).isGreaterThanOrEqualTo(latency.get("p50").asDouble());
    JsonNode start = json.get("start_latency_ms");
    assertThat(start.get("p99").asDouble()).isLessThanOrEqualTo(latency.get("max").asDouble());
  }

  @Test
  void textReportNamesEachFigure() {
    Result r = CliRun.run("bench", "-b", "memory:", "--jobs", "500", "-m", "virtual", "-c", "8");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("500 noop jobs on memory:, virtual x 8")
        .contains(
            "enqueue ", "start ", "drain ", "enqueue-to-start", "enqueue-to-finish", "jobs/s");
  }

  @Test
  void zeroJobsIsRefused() {
    Result r = CliRun.run("bench", "-b", "memory:", "--jobs", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--jobs must be at least 1");
  }
}
