package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.cli.usertasks.GreetingModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The child-JVM flags of {@code semafor worker --model processes}: {@code --classpath} reaching the
 * children, {@code --child-heap}, {@code --child-jvm-option}, {@code --max-jobs-per-child} and
 * {@code --child-warm-up} — for real, in child JVMs — and every way to get them wrong.
 */
class WorkerChildFlagsTest {
  @TempDir Path dir;
  private String broker;
  private Path jar;

  @BeforeEach
  void setUp() throws Exception {
    broker = "sqlite:" + dir.resolve("semafor.db");
    jar = EnqueueCommandTest.userJar(dir);
  }

  @Test
  void userTasksOnTheClasspathRunInChildJvmsWithTheirHeapAndCollector() throws Exception {
    String greet = enqueue(GreetingModule.TASK, "{\"name\":\"child\"}");
    String jvm = enqueue(GreetingModule.JVM, "null");

    Result worker =
        processes(
            "--concurrency",
            "1",
            "--classpath",
            jar.toString(),
            "--child-heap",
            "64m",
            "--child-jvm-option=-XX:+UseParallelGC");

    assertThat(worker.code()).as(worker.err()).isZero();
    assertThat(worker.lastOutLine()).contains("stopped: 2 succeeded, 0 retried, 0 dead");
    JsonNode greeted = job(greet);
    assertThat(greeted.get("state").asText()).isEqualTo("succeeded");
    assertThat(greeted.get("result").asText()).isEqualTo("hello, child");
    JsonNode where = job(jvm).get("result");
    assertThat(where.get("pid").asLong())
        .as("computed in a child JVM")
        .isNotEqualTo(ProcessHandle.current().pid());
    assertThat(where.get("max_heap").asLong()).isBetween(32L << 20, 64L << 20);
    assertThat(where.get("collectors").toString()).contains("PS Scavenge");
  }

  @Test
  void theEnvironmentsClasspathReachesTheChildrenToo() throws Exception {
    String greet = enqueue(GreetingModule.TASK, "{\"name\":\"env\"}");
    Result worker =
        CliRun.run(
            Map.of("SEMAFOR_CLASSPATH", jar.toString()),
            "worker",
            "-b",
            broker,
            "--burst",
            "--model",
            "processes",
            "--concurrency",
            "1");
    assertThat(worker.code()).as(worker.err()).isZero();
    assertThat(job(greet).get("result").asText()).isEqualTo("hello, env");
  }

  @Test
  void childrenAreReplacedAfterMaxJobsAndEachIsWarmedFirst() throws Exception {
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      counts.add(enqueue(GreetingModule.COUNT, "null"));
    }

    Result worker =
        processes(
            "--concurrency",
            "1",
            "--classpath",
            jar.toString(),
            "--max-jobs-per-child",
            "1",
            "--child-warm-up",
            GreetingModule.COUNT,
            "--child-warm-up",
            GreetingModule.COUNT + "=null");

    assertThat(worker.code()).as(worker.err()).isZero();
    for (String id : counts) {
      // two warm-up runs in each pass (at least three passes), then the job, in a child that runs
      // no other job
      assertThat(job(id).get("result").asInt()).as(id).isOdd().isGreaterThanOrEqualTo(7);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--max-jobs-per-child=5",
        "--child-heap=512m",
        "--child-jvm-option=-XX:+UseG1GC",
        "--child-warm-up=semafor.noop"
      })
  void childFlagsWithAnotherModelAreRefused(String flag) {
    for (String model : List.of("sequential", "threads", "virtual")) {
      Result r = CliRun.run("worker", "-b", "memory:", "--burst", "--model", model, flag);
      assertThat(r.code()).as(model + " " + flag).isEqualTo(Main.USAGE);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err())
          .isEqualTo(
              "semafor worker: "
                  + flag.substring(0, flag.indexOf('='))
                  + " applies to child JVMs, which only --model processes has (the model is "
                  + model
                  + ")\n");
    }
  }

  @Test
  void negativeMaxJobsPerChildIsRefused() {
    assertRefused("--max-jobs-per-child must not be negative: -1", "--max-jobs-per-child", "-1");
  }

  @Test
  void badHeapSizesAreRefused() {
    assertRefused(
        "--child-heap: child heap size '512mb' is not a size: expected a whole number and a unit,"
            + " e.g. 512m or 2g",
        "--child-heap",
        "512mb");
    assertRefused(
        "--child-heap: child heap size '1m' is too small: the smallest accepted is 16m",
        "--child-heap",
        "1m");
    assertRefused(
        "--child-jvm-option: the child heap is given twice: as a heap size (1g) and as -Xmx in the"
            + " options",
        "--child-heap",
        "1g",
        "--child-jvm-option=-Xmx2g");
  }

  @Test
  void jvmOptionsThatWriteToStdoutAreRefused() {
    assertRefused(
        "--child-jvm-option: JVM option -verbose:gc writes to stdout, which carries the process"
            + " pool's protocol; use -Xlog with an output instead, e.g. -Xlog:gc:stderr",
        "--child-jvm-option=-verbose:gc");
    assertRefused(
        "--child-jvm-option: JVM option -Xlog:gc logs to stdout, which carries the process pool's"
            + " protocol; name another output, e.g. -Xlog:gc:stderr or -Xlog:gc:file=gc.log",
        "--child-jvm-option=-Xlog:gc");
  }

  @Test
  void badWarmUpsAreRefused() {
    Result unknown = processes("--child-warm-up", "no.such.task");
    assertThat(unknown.code()).isEqualTo(Main.USAGE);
    assertThat(unknown.errLines()).hasSize(1);
    assertThat(unknown.err())
        .startsWith("semafor worker: --child-warm-up: unknown task 'no.such.task' (registered: ");
    assertRefused(
        "--child-warm-up semafor.primes: its input is not valid JSON: Unexpected end-of-input:"
            + " expected close marker for Object (start marker at [line: 1, column: 1])"
            + " (line 1, column 2)",
        "--child-warm-up",
        "semafor.primes={");
    Result unfit = processes("--child-warm-up", "semafor.primes={\"n\":\"two\"}");
    assertThat(unfit.code()).isEqualTo(Main.USAGE);
    assertThat(unfit.errLines())
        .containsExactly(
            "semafor worker: --child-warm-up semafor.primes: input does not fit task"
                + " 'semafor.primes' (it takes {\"n\": a whole number}): 'n' must be a whole"
                + " number, not \"two\"");
    assertRefused(
        "--child-warm-up '={}' names no task: expected TASK or TASK=JSON",
        "--child-warm-up",
        "={}");
  }

  @Test
  void aJvmOptionTheJvmRejectsFailsTheStartWithTheChildsOwnError() {
    Result r = processes("--concurrency", "1", "--child-jvm-option=-XX:+NoSuchSemaforOption");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .matches(
            "semafor worker: worker process \\d+ exited during start-up: exit code 1; last output:"
                + " .*Unrecognized VM option 'NoSuchSemaforOption'.*\n");
  }

  private Result processes(String... flags) {
    List<String> args =
        new ArrayList<>(List.of("worker", "-b", broker, "--burst", "--model", "processes"));
    args.addAll(List.of(flags));
    return CliRun.run(args.toArray(String[]::new));
  }

  private void assertRefused(String message, String... flags) {
    Result r = processes(flags);
    assertThat(r.code()).as(r.err()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).isEqualTo("semafor worker: " + message + "\n");
  }

  private String enqueue(String task, String input) {
    Result r = CliRun.run("enqueue", task, input, "-b", broker, "--classpath", jar.toString());
    assertThat(r.code()).as(r.err()).isZero();
    return r.lastOutLine();
  }

  private JsonNode job(String id) throws Exception {
    Result r = CliRun.run("job", id, "-b", broker, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    return Json.defaults().mapper().readTree(r.out());
  }
}
