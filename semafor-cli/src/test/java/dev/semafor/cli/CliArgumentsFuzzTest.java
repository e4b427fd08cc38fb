package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.QueueStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import picocli.CommandLine;

/**
 * Random argument vectors to {@code semafor}, run in-process as the launcher runs them: every one
 * ends with exit code 0, 2 or 3, and an error is one line on stderr naming the command, never a
 * stack trace nor an "unexpected" failure (exit code 1).
 *
 * <p>The vectors mix the commands' real names and flags with values good and bad (durations,
 * numbers, JSON, states, job ids, names with control characters), so most of them get past the
 * first flag. Commands that run until stopped ({@code worker}, {@code dashboard}, {@code demo},
 * {@code bench}, {@code chaos}, {@code lab}, {@code train}) are parsed and checked but not run; the
 * others run against an SQLite file of the test's own (or a broker URL from the vocabulary, all on
 * this machine). A second property gives {@code enqueue} any input JSON: the job is stored with the
 * JSON the text says, or refused in one line with nothing stored.
 */
class CliArgumentsFuzzTest {
  private static final Set<String> LONG_RUNNING =
      Set.of("worker", "dashboard", "demo", "bench", "chaos", "lab", "train");

  /** A reader as lenient as JSON allows, the oracle for what a stored payload says. */
  private static final ObjectMapper PLAIN =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final Set<String> PER_ID = Set.of("cancel", "retry");

  private static Path dir;
  private static Map<String, String> env;

  @BeforeContainer
  static void folder() throws IOException {
    dir = Files.createTempDirectory("semafor-cli-fuzz-");
    env = Map.of("SEMAFOR_BROKER", "sqlite:" + dir.resolve("fuzz.db"));
  }

  @AfterContainer
  static void deleteFolder() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  @Property(tries = 120)
  void anyArgumentsEndInAnExitCodeAndAtMostOneLineOfError(@ForAll("vectors") List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), env, false);
    int code = run(cli, args.toArray(String[]::new));

    String errors = err.toString();
    assertThat(code).as("exit code of %s: %s", args, errors).isIn(0, Main.USAGE, Main.UNAVAILABLE);
    if (errors.startsWith("Usage: semafor") && code == Main.USAGE) {
      return; // no command given: the usage, by design (SemaforCommand.call)
    }
    assertThat(errors).as("stderr of %s", args).doesNotContain("\tat ", "Exception:", "unexpected");
    // every line is one whole error that names its command: nothing a user typed breaks a line
    assertThat(errors.lines()).as("stderr of %s", args).allMatch(l -> l.startsWith("semafor"));
    if (code != 0) {
      // cancel and retry report each unknown id on a line of its own, then sum up; else one line
      int most = PER_ID.contains(args.get(0)) ? args.size() : 1;
      assertThat(errors.lines().count()).as("stderr of %s", args).isBetween(1L, (long) most);
    }
  }

  @Property(tries = 60)
  void anyPayloadIsEnqueuedAsTheJsonItSaysOrRefusedInOneLine(
      @ForAll("payloads") String payload, @ForAll boolean typed) throws Exception {
    String task = typed ? "semafor.sleep" : "semafor.echo";
    long before = stored();
    CliRun.Result r = CliRun.run(env, "enqueue", task, payload, "--json");

    if (r.code() == 0) {
      JsonNode job = Output.tree(r.out());
      CliRun.Result shown = CliRun.run(env, "job", job.get("id").asText(), "--json");
      // a blank input is no input: null
      assertThat(Output.tree(shown.out()).get("input"))
          .isEqualTo(PLAIN.readTree(payload.isBlank() ? "null" : payload));
      assertThat(stored()).isEqualTo(before + 1);
    } else {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.USAGE);
      assertThat(r.errLines()).as(r.err()).hasSize(1);
      assertThat(r.err()).startsWith("semafor enqueue: ").doesNotContain("Exception");
      assertThat(stored()).isEqualTo(before);
    }
  }

  private static long stored() {
    try (Broker b = Brokers.open(env.get("SEMAFOR_BROKER"))) {
      return b.stats().stream().mapToLong(QueueStats::total).sum();
    }
  }

  /** Input JSON as users type it, and near misses: cut short, a stray character, a key twice. */
  @Provide
  Arbitrary<String> payloads() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "1",
                "-1",
                "1e999999",
                "null",
                "true",
                "\"\\ud800\"",
                "\"x\"",
                "[]",
                "{}",
                "01",
                "{\"ms\":5}",
                "{\"ms\":-5}",
                "{\"ms\":\"5\"}",
                "{\"ms\":5,\"ms\":6}",
                "{\"ms\":5,\"other\":1}",
                "NaN",
                "'x'",
                "[1,2,]",
                "{\"a\":{\"b\":[null]}}"),
            Arbitraries.strings().ofMaxLength(10));
    return Combinators.combine(value, Arbitraries.of("", "", "", "}", "]", ",", " x", "\u0000"))
        .as(String::concat);
  }

  /**
   * {@link Main#run}, except that a command from {@link #LONG_RUNNING} whose arguments parse is not
   * run: it would serve or work until stopped.
   */
  private static int run(Cli cli, String... args) {
    CommandLine line = Main.commandLine(cli);
    CommandLine.IExecutionStrategy real = line.getExecutionStrategy();
    line.setExecutionStrategy(
        parsed -> {
          CommandLine.ParseResult sub = parsed.subcommand();
          if (sub != null && LONG_RUNNING.contains(sub.commandSpec().name())) {
            return 0;
          }
          return real.execute(parsed);
        });
    try {
      return line.execute(args);
    } finally {
      cli.out().flush();
      cli.err().flush();
    }
  }

  @Provide
  Arbitrary<List<String>> vectors() {
    Arbitrary<String> command =
        Arbitraries.of(
            "enqueue",
            "status",
            "job",
            "jobs",
            "cancel",
            "retry",
            "schedules",
            "worker",
            "dashboard",
            "demo",
            "bench",
            "chaos",
            "lab",
            "train",
            "nosuch",
            "ENQUEUE",
            "");
    Arbitrary<String> sub = Arbitraries.of("cancel", "retry", "delete", "list", "primes", "");
    Arbitrary<String> flag =
        Arbitraries.of(
            "--queue",
            "--priority",
            "--delay",
            "--max-attempts",
            "--count",
            "--json",
            "--running",
            "--stack",
            "--wait",
            "--limit",
            "--page",
            "--yes",
            "--task",
            "--state",
            "--key",
            "--since",
            "--from",
            "--to",
            "--concurrency-key",
            "--concurrency-limit",
            "--rate-limit",
            "--rate-key",
            "--unique-key",
            "--on-conflict",
            "--timeout",
            "--schedule",
            "--retention",
            "--broker",
            "-b",
            "--model",
            "-m",
            "--concurrency",
            "-c",
            "--queues",
            "--lease",
            "--jobs",
            "--workers",
            "--kill-every",
            "--duration",
            "--port",
            "--help",
            "-h",
            "--version",
            "-V",
            "--nosuch",
            "-",
            "--",
            "--json=true",
            "--count=0");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "semafor.noop",
                "semafor.echo",
                "semafor.sleep",
                "no.such.task",
                "default",
                "0",
                "1",
                "-1",
                "3",
                "100001",
                "2147483648",
                "1e3",
                "abc",
                "1ms",
                "100ms",
                "1s",
                "-1s",
                "0s",
                "1x",
                "99999999999d",
                "PT1S",
                "1h",
                "QUEUED",
                "dead",
                "RUNNING",
                "nostate",
                "{}",
                "{\"ms\":1}",
                "{\"ms\":\"x\"}",
                "[1,2",
                "{\"n\":1,\"n\":2}",
                "1e999999",
                "\"\\ud800\"",
                "null",
                "01J0000000000000000000000",
                "a b",
                "a\nb",
                "a\u0000b",
                "\u001b[31m",
                "x".repeat(201),
                "threads",
                "virtual",
                "processes",
                "sequential",
                "replace",
                "keep",
                "*/5 * * * *",
                "2026-01-01T00:00:00Z",
                "memory:",
                "postgres://127.0.0.1:1/x",
                "redis://127.0.0.1:1/0",
                "nosuch://x",
                "postgres://u:pw@127.0.0.1",
                "5/1s",
                "0/0s"),
            Arbitraries.strings().ofMaxLength(12));
    Arbitrary<String> token =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, flag),
            net.jqwik.api.Tuple.of(5, value),
            net.jqwik.api.Tuple.of(1, sub));
    return net.jqwik.api.Combinators.combine(command, token.list().ofMaxSize(7))
        .as(
            (c, rest) -> {
              List<String> args = new ArrayList<>();
              if (!c.isEmpty()) {
                args.add(c);
              }
              args.addAll(rest);
              return args;
            });
  }
}
