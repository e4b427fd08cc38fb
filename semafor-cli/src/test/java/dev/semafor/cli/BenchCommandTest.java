package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void pollsRarelyEarlyInALongDrainAndEveryMillisecondNearItsEnd() {
    // 10,000 of 500,000 done in 0.2 s: ~10 s to go, look every 50 ms, not every 1 ms
    assertThat(BenchCommand.pollNanos(490_000, 10_000, 200_000_000L))
        .isEqualTo(BenchCommand.MAX_POLL_NANOS);
    // 100 jobs left at 50,000/s: 2 ms to go, look every millisecond
    assertThat(BenchCommand.pollNanos(100, 499_900, 10_000_000_000L))
        .isEqualTo(BenchCommand.MIN_POLL_NANOS);
    // 2,000 left at 50,000/s: 40 ms to go, look every 10 ms
    assertThat(BenchCommand.pollNanos(2_000, 498_000, 9_960_000_000L)).isEqualTo(10_000_000L);
    // nothing finished yet: no rate to go by, look every 5 ms
    assertThat(BenchCommand.pollNanos(500_000, 0, 1_000_000L)).isEqualTo(5_000_000L);
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
  void latencyReportsEnqueueToStartPercentilesOfAnInProcessWorkerOnMemory() throws Exception {
    Result r = CliRun.run("bench", "-b", "memory:", "--latency", "--jobs", "5", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("broker").asText()).isEqualTo("memory:");
    assertThat(json.get("jobs").asInt()).isEqualTo(5);
    assertThat(json.get("worker_process").asText()).isEqualTo("same");
    assertThat(json.get("p50_ms").asDouble()).isNotNegative();
    assertThat(json.get("p99_ms").asDouble())
        .isGreaterThanOrEqualTo(json.get("p50_ms").asDouble())
        .isLessThanOrEqualTo(json.get("max_ms").asDouble());
  }

  @Test
  void latencyOnAnSqliteFileRunsTheWorkerInAnotherProcess(@TempDir Path dir) throws Exception {
    String url = "sqlite:" + dir.resolve("latency.db");
    Result r = CliRun.run("bench", "-b", url, "--latency", "--jobs", "3", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("broker").asText()).isEqualTo(url);
    assertThat(json.get("worker_process").asText()).isEqualTo("other");
    assertThat(json.get("jobs").asInt()).isEqualTo(3);
    assertThat(json.get("warm_up").asInt()).isEqualTo(LatencyBench.WARM_UP);
    assertThat(json.get("max_ms").asDouble()).isPositive();
  }

  @Test
  void theLatencyWorkerProcessGetsTheJvmOptionsOfTheBenchLessThoseTwoJvmsCannotShare() {
    List<String> own =
        List.of(
            "-XX:+UseParallelGC",
            "-XX:AOTCache=/opt/semafor/semafor.aot",
            "-Xlog:aot=off",
            "-Xmx1g",
            "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
            "-XX:StartFlightRecording=filename=bench.jfr",
            "-XX:AOTCacheOutput=/tmp/new.aot",
            "-Dsemafor.tty=true");

    assertThat(LatencyBench.workerJvmOptions(own))
        .containsExactly(
            "-XX:+UseParallelGC",
            "-XX:AOTCache=/opt/semafor/semafor.aot",
            "-Xlog:aot=off",
            "-Xmx1g",
            "--enable-native-access=ALL-UNNAMED");
    assertThat(LatencyBench.workerJvmOptions(List.of("--enable-native-access=ALL-UNNAMED")))
        .containsExactly("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void latencyTextReportNamesTheFigure() {
    Result r = CliRun.run("bench", "-b", "sqlite::memory:", "--latency", "--jobs", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("2 jobs one at a time on sqlite::memory:, worker in the same process")
        .contains("enqueue-to-start  p50 ");
  }

  @Test
  void inProcessWithoutLatencyIsRefused() {
    Result r = CliRun.run("bench", "-b", "memory:", "--in-process");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--in-process goes with --latency");
  }

  @Test
  void zeroJobsIsRefused() {
    Result r = CliRun.run("bench", "-b", "memory:", "--jobs", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--jobs must be at least 1");
  }
}
