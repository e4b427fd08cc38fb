package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
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

  @Test
  void inputThatDoesNotBindNamesTheField() {
    assertOneLineError(
        CliRun.run("enqueue", "semafor.primes", "{\"n\": \"abc\"}", "--broker", "memory:"),
        "semafor enqueue",
        "at 'n'");
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
