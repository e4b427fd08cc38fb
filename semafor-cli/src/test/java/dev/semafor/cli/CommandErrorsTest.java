package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input ends the same way: exit code 2, exactly one line on stderr that names the
 * problem, nothing on stdout, no stack trace.
 */
class CommandErrorsTest {

  private static void assertOneLineError(Result r, String command, String... mentions) {
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith(command + ": ").doesNotContain("Exception", "\tat ");
    assertThat(r.err()).contains(mentions);
  }

  @Test
  void unknownFlagIsOneLineAndPointsToHelp() {
    Result r = CliRun.run("enqueue", "semafor.noop", "--broker", "memory:", "--frobnicate");
    assertOneLineError(r, "semafor enqueue", "--frobnicate", "semafor enqueue --help");
  }

  @Test
  void anUnknownFlagIsTheErrorEvenWhenAPositionalIsMissingToo() {
    // the misspelt flag is the mistake; a "missing TASK" would send the user the wrong way
    Result r = CliRun.run("enqueue", "--frobnicate");
    assertOneLineError(r, "semafor enqueue", "Unknown option: '--frobnicate'");
    assertThat(r.err()).doesNotContain("TASK");
  }

  @Test
  void unknownCommandIsOneLine() {
    assertOneLineError(CliRun.run("frobnicate"), "semafor", "frobnicate");
  }

  @Test
  void whatTheUserTypedIsQuotedOnOneLineWithItsControlCharactersEscaped() {
    // found by CliArgumentsFuzzTest: a task name with a line break made the error two lines
    Result r = CliRun.run("enqueue", "--broker", "memory:", "a\nb\u001b[2J");
    assertOneLineError(r, "semafor enqueue", "unknown task 'a\\u000ab\\u001b[2J'");
    assertOneLineError(
        CliRun.run("status", "--broker", "memory:", "x\ny"), "semafor status", "'x\\u000ay'");
  }

  @Test
  void malformedBrokerUrlNamesTheUrl() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "--broker", "nonsense"),
        "semafor enqueue",
        "malformed broker URL 'nonsense'");
  }

  @Test
  void brokerSchemeWithoutProviderSaysSo() {
    assertOneLineError(
        CliRun.run("status", "--broker", "nosuch://host/db"), "semafor status", "'nosuch:'");
  }

  @Test
  void brokerFromEnvironmentIsUsedWhenNoFlag() {
    Result r = CliRun.run(Map.of("SEMAFOR_BROKER", "env-says-this"), "status");
    assertOneLineError(r, "semafor status", "'env-says-this'");
  }

  @Test
  void flagWinsOverEnvironment() {
    Result r = CliRun.run(Map.of("SEMAFOR_BROKER", "env-says-this"), "status", "-b", "memory:");
    assertThat(r.code()).isZero();
  }

  @Test
  void unknownTaskListsTheKnownOnes() {
    assertOneLineError(
        CliRun.run("enqueue", "no.such.task", "--broker", "memory:"),
        "semafor enqueue",
        "unknown task 'no.such.task'",
        "semafor.primes");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"n\": 97              | not valid JSON",
        "{\"n\": 97} trailing    | not valid JSON",
        "nul                     | not valid JSON",
        "{\"n\": \"abc\"}        | does not fit task 'semafor.primes'",
        "[1, 2]                  | does not fit task 'semafor.primes'",
        "null                    | does not fit task 'semafor.primes'"
      })
  void invalidInputJsonIsOneLine(String input, String mention) {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.primes", input.strip(), "--broker", "memory:"),
        "semafor enqueue",
        mention);
  }

  /** Input that is JSON but not what the task takes: its fields and kinds, no Java in sight. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"n\": 5, \"nope\": 1}  | unknown field 'nope'",
        "{\"n\": \"abc\"}         | 'n' must be a whole number, not \"abc\"",
        "{}                       | 'n' must be a whole number (it is missing or null)",
        "[1, 2]                   | expected {\"n\": a whole number}",
        "null                     | expected {\"n\": a whole number}, not null"
      })
  void inputThatDoesNotBindSaysWhatTheTaskTakes(String input, String mention) {
    Result r = CliRun.run("enqueue", "semafor.primes", input.strip(), "--broker", "memory:");
    assertOneLineError(r, "semafor enqueue", "(it takes {\"n\": a whole number})", mention.strip());
    assertThat(r.err()).doesNotContain("PrimesInput", "ignorable", "`long`", "java.", "$");
  }

  /** Picocli's conversion errors: the user's words for numbers and choices, no exception names. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "semafor worker  | worker --concurrency abc            | '--concurrency': 'abc' is not a"
            + " whole number",
        "semafor enqueue | enqueue semafor.noop --priority 9999999999 | '9999999999' is out of"
            + " range",
        "semafor enqueue | enqueue semafor.noop --unique-key k --on-conflict nope | 'nope' is not"
            + " one of the accepted values: reject, replace",
        "semafor chaos   | chaos --seed abc                   | 'abc' is not a whole number",
        "semafor lab spinner | lab spinner --model nope       | unknown execution model 'nope'"
            + " (expected sequential, threads, virtual or processes)"
      })
  void badValuesAreNamedInTheUsersTerms(String command, String args, String mention) {
    Result r = CliRun.run(args.strip().split(" +"));
    assertOneLineError(r, command.strip(), mention.strip());
    assertThat(r.err()).doesNotContain("java.", "cannot convert", " int ", " long ");
  }

  /** A value the library refuses names the flag it came from. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "semafor worker  | worker -b memory: --prefetch -1 | --prefetch must be at least 0: -1",
        "semafor worker  | worker -b memory: --id=         | --id must not be blank",
        "semafor worker  | worker -b memory: --queues=a,   | --queues: queue name must not be blank",
        "semafor worker  | worker -b memory: --lease 10ms  | --lease must be at least 1s: 10ms",
        "semafor chaos   | chaos --kill-every 10ms        | --kill-every must be at least 100ms:"
            + " 10ms",
        "semafor worker  | worker -b memory: --retention 0s | --retention must be positive: 0ms",
        "semafor enqueue | enqueue semafor.noop -b memory: --queue= | --queue: queue name must not"
            + " be blank",
        "semafor enqueue | enqueue semafor.noop -b memory: --concurrency-limit 0 |"
            + " --concurrency-limit must be at least 1: 0",
        "semafor enqueue | enqueue semafor.noop -b memory: --timeout 0s | --timeout must be"
            + " positive: 0ms"
      })
  void aRefusedSettingNamesItsFlag(String command, String args, String mention) {
    assertOneLineError(CliRun.run(args.strip().split(" +")), command.strip(), mention.strip());
  }

  @Test
  void aBrokerUrlFromTheEnvironmentSaysSoInItsError() {
    Result fromEnv = CliRun.run(Map.of("SEMAFOR_BROKER", "nosuch://host/db"), "status");
    assertOneLineError(fromEnv, "semafor status", "'nosuch:'", "from $SEMAFOR_BROKER");

    Result missing =
        CliRun.run(Map.of("SEMAFOR_BROKER", "sqlite:/no/such/dir/x.db"), "jobs", "--json");
    assertOneLineError(missing, "semafor jobs", "/no/such/dir/x.db", "from $SEMAFOR_BROKER");

    Result fromFlag =
        CliRun.run(Map.of("SEMAFOR_BROKER", "memory:"), "status", "--broker", "nosuch://host/db");
    assertOneLineError(fromFlag, "semafor status", "'nosuch:'");
    assertThat(fromFlag.err()).doesNotContain("SEMAFOR_BROKER");
  }

  @Test
  void aPortInUseIsOneLineNamingTheFlag() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = String.valueOf(taken.getLocalPort());
      assertOneLineError(
          CliRun.run("dashboard", "--broker", "memory:", "--port", port),
          "semafor dashboard",
          "--port " + port + ": the port is in use");
      assertOneLineError(
          CliRun.run("worker", "--broker", "memory:", "--burst", "--metrics-port", port),
          "semafor worker",
          "--metrics-port " + port + ": the port is in use");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"x\": 1e999999}        | INPUT_JSON is refused: number 1e999999 is out of range",
        "{\"s\": \"a\\ud800\"}     | lone UTF-16 surrogate",
        "{\"a\": 1, \"a\": 2}      | Duplicate field 'a'"
      })
  void inputThatReadingWouldChangeIsRefused(String input, String mention) {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.echo", input.strip(), "--broker", "memory:"),
        "semafor enqueue",
        mention);
  }

  @Test
  void aQueueNameWithANewlineIsRefusedOnOneLine() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "--broker", "memory:", "--queue", "a\nb"),
        "semafor enqueue",
        "queue name 'a\\u000ab' has the character U+000A at position 2");
  }

  @Test
  void aDelayBeyondAHundredYearsIsRefused() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "--broker", "memory:", "--delay", "999999999d"),
        "semafor enqueue",
        "delay must be between 0 and 36500 days");
  }

  @Test
  void aCountBeyondTheCapIsRefusedBeforeAnythingIsWritten() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "--broker", "memory:", "--count", "2147483647"),
        "semafor enqueue",
        "--count must be between 1 and 100,000",
        "2147483647");
  }

  @ParameterizedTest
  @CsvSource({"--delay,5x", "--delay,-5s", "--count,0", "--count,many", "--max-attempts,0"})
  void badOptionValuesAreOneLine(String option, String value) {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "--broker", "memory:", option, value),
        "semafor enqueue",
        option);
  }

  @Test
  void missingClasspathEntryIsNamed() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.noop", "-b", "memory:", "--classpath", "/no/such/tasks.jar"),
        "semafor enqueue",
        "/no/such/tasks.jar");
  }

  @Test
  void unknownJobIdIsOneLine() {
    assertOneLineError(
        CliRun.run("job", "01NOSUCHJOB", "--broker", "memory:"), "semafor job", "01NOSUCHJOB");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Result r = CliRun.run("job", "01NOSUCHJOB", "--broker", "memory:", "--verbose");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("\tat dev.semafor.cli.JobCommand");
  }
}
