package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.WarmUpJob;
import dev.semafor.worker.WorkerConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  /** An oracle independent of the task's own trial division. */
  private static boolean isPrime(long n) {
    return BigInteger.valueOf(n).isProbablePrime(64);
  }

  @Test
  void jsonHasEveryNumberWithTheRightAnswerAndTotals() throws Exception {
    Result r = CliRun.run("demo", "--broker", "memory:", "--model", "threads", "-c", "2", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(1);
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    JsonNode results = json.get("results");
    assertThat(results).hasSize(DemoCommand.NUMBERS.size());
    List<Long> numbers = new ArrayList<>();
    for (JsonNode row : results) {
      long n = row.get("n").asLong();
      numbers.add(n);
      assertThat(row.get("state").asText()).isEqualTo("succeeded");
      assertThat(row.get("prime").asBoolean()).as("%d prime?", n).isEqualTo(isPrime(n));
      assertThat(row.get("ms").asDouble()).isNotNegative();
      assertThat(row.get("ran_on").asText()).startsWith("semafor-threads-");
    }
    assertThat(numbers).containsExactlyElementsOf(DemoCommand.NUMBERS);
    JsonNode totals = json.get("totals");
    long primes = DemoCommand.NUMBERS.stream().filter(DemoCommandTest::isPrime).count();
    assertThat(totals.get("jobs").asInt()).isEqualTo(20);
    assertThat(totals.get("primes").asLong()).isEqualTo(primes);
    assertThat(totals.get("succeeded").asInt()).isEqualTo(20);
    assertThat(totals.get("wall_seconds").asDouble()).isPositive();
    assertThat(totals.get("jobs_per_sec").asDouble()).isPositive();
    assertThat(totals.get("startup_seconds").asDouble()).isNotNegative();
    assertThat(totals.get("stop_seconds").asDouble()).isNotNegative();
    assertThat(json.get("queue").asText()).isEqualTo(DemoCommand.QUEUE);
  }

  @Test
  void numbersAreEnqueuedLongestCheckFirstAndListedSmallestFirst() throws Exception {
    Result r = CliRun.run("demo", "--broker", "memory:", "--model", "sequential", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode results = Json.defaults().mapper().readTree(r.out()).get("results");
    List<Long> listed = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode row : results) {
      listed.add(row.get("n").asLong());
      ids.add(row.get("job_id").asText());
    }
    assertThat(listed).isSorted();
    // job ids grow in the order jobs are created: sorted by id, the numbers are in enqueue order
    List<String> byId = ids.stream().sorted().toList();
    List<Long> enqueued = byId.stream().map(id -> listed.get(ids.indexOf(id))).toList();
    assertThat(enqueued)
        .isEqualTo(BuiltinTasks.longestCheckFirst(BuiltinTasks.DEMO_NUMBERS))
        .isNotEqualTo(listed.reversed()); // not simply largest first
  }

  @Test
  void processesRunTheNumbersInWarmedChildrenAndReportTheStartUpApart() throws Exception {
    Result r =
        CliRun.run("demo", "--broker", "memory:", "--model", "processes", "-c", "2", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("model").asText()).isEqualTo("processes");
    for (JsonNode row : json.get("results")) {
      long n = row.get("n").asLong();
      assertThat(row.get("state").asText()).isEqualTo("succeeded");
      assertThat(row.get("prime").asBoolean()).as("%d prime?", n).isEqualTo(isPrime(n));
      assertThat(row.get("ran_on").asText()).startsWith("semafor-processes-");
    }
    JsonNode totals = json.get("totals");
    assertThat(totals.get("succeeded").asInt()).isEqualTo(20);
    // two child JVMs take a good part of a second to start: not on the clock, but reported
    assertThat(totals.get("startup_seconds").asDouble()).isPositive();
  }

  @Test
  void childrenAreWarmedWithTheParentsWarmUpAndTheUsersOnesAfterIt() {
    WorkerOptions options = new WorkerOptions();
    options.model = ExecutionModel.PROCESSES;
    options.childWarmUps = List.of("semafor.noop");
    List<WarmUpJob> expected = new java.util.ArrayList<>(DemoCommand.WARM_UPS);
    expected.add(WarmUpJob.parse("semafor.noop"));
    assertThat(DemoCommand.config(options, "q").childWarmUps()).isEqualTo(expected);
    assertThat(DemoCommand.WARM_UPS)
        .containsExactly(
            WarmUpJob.parse("semafor.primes={\"n\":1000000000039}"),
            WarmUpJob.parse("semafor.primes={\"n\":999985999949}"),
            WarmUpJob.parse("semafor.primes={\"n\":2}"),
            WarmUpJob.parse("semafor.primes={\"n\":4}"));

    options.model = ExecutionModel.THREADS;
    options.childWarmUps = List.of();
    assertThat(DemoCommand.config(options, "q").childWarmUps()).isEmpty();
  }

  /** Every model's worker leases the demo's jobs in one call: room for all of them at once. */
  @Test
  void theWorkerLeasesEveryNumberAtOnce() {
    for (ExecutionModel model : ExecutionModel.values()) {
      WorkerOptions options = new WorkerOptions();
      options.model = model;
      WorkerConfig config = DemoCommand.config(options, DemoCommand.QUEUE);
      assertThat(config.prefetch()).as("%s", model).isEqualTo(DemoCommand.NUMBERS.size());
      assertThat(config.maxPrefetch()).isGreaterThanOrEqualTo(DemoCommand.NUMBERS.size());
    }
  }

  /** The broker's warm-up takes its job through lease and complete, then leaves no trace. */
  @Test
  void theBrokersWarmUpLeavesNoJobBehind(@TempDir Path dir) {
    try (Broker broker = Brokers.open("sqlite:" + dir.resolve("demo.db"))) {
      DemoCommand.warmUpBroker(
          broker, DemoCommand.config(new WorkerOptions(), DemoCommand.QUEUE), registry());

      assertThat(broker.query(JobQuery.all())).isEmpty();
    }
  }

  /**
   * A job a killed demo left behind, leased by the warm-up in its place, goes back untouched for
   * the demo's worker; the warm-up's own job is removed all the same.
   */
  @Test
  void theBrokersWarmUpHandsBackAJobThatIsNotItsOwn() {
    try (Broker broker = Brokers.open("memory:")) {
      JobHandle left =
          new Client(broker)
              .enqueue(
                  BuiltinTasks.PRIMES,
                  new BuiltinTasks.PrimesInput(7),
                  JobOptions.defaults().queue(DemoCommand.QUEUE));

      DemoCommand.warmUpBroker(
          broker, DemoCommand.config(new WorkerOptions(), DemoCommand.QUEUE), registry());

      List<JobRecord> jobs = broker.query(JobQuery.all());
      assertThat(jobs).extracting(JobRecord::id).containsExactly(left.id());
      assertThat(jobs.get(0).state()).isEqualTo(JobState.QUEUED);
      assertThat(jobs.get(0).attempts()).isZero();
    }
  }

  private static TaskRegistry registry() {
    return TaskRegistry.withBuiltins();
  }

  @Test
  void tableHasARowPerNumberAndTheTotals() {
    Result r = CliRun.run(Map.of("SEMAFOR_BROKER", "memory:"), "demo", "--model", "sequential");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).as("no note: the broker came from the environment").isEmpty();
    List<String> lines = r.outLines();
    assertThat(lines.get(0)).matches("\\s*n\\s+prime\\s+time\\s+ran on");
    for (int i = 0; i < DemoCommand.NUMBERS.size(); i++) {
      long n = DemoCommand.NUMBERS.get(i);
      assertThat(lines.get(i + 1))
          .matches(
              "\\s*"
                  + n
                  + "\\s+"
                  + (isPrime(n) ? "yes" : "no")
                  + "\\s+[0-9.]+ ms\\s+semafor-sequential-0");
    }
    assertThat(r.out()).contains("20 numbers, ").contains("sequential x 1 on memory:");
    assertThat(r.lastOutLine())
        .matches("worker started in [0-9.]+ s and stopped in [0-9.]+ s \\(neither counted\\)");
  }
}
