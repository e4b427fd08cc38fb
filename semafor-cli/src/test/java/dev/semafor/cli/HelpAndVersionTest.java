package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class HelpAndVersionTest {

  @Test
  void everyCommandHasHelp() {
    CommandLine line = Main.commandLine(Cli.system());
    assertThat(line.getSubcommands()).isNotEmpty();
    for (String name : line.getSubcommands().keySet()) {
      Result r = CliRun.run(name, "--help");
      assertThat(r.code()).as(name).isZero();
      assertThat(r.out()).as(name).startsWith("Usage: semafor " + name);
      assertThat(r.err()).as(name).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V"})
  void versionPrintsNameAndJava(String flag) {
    Result r = CliRun.run(flag);
    assertThat(r.code()).isZero();
    assertThat(r.outLines()).hasSize(2);
    assertThat(r.outLines().get(0)).startsWith("semafor ");
    assertThat(r.outLines().get(1)).startsWith("Java " + Runtime.version().feature());
  }

  @Test
  void noCommandShowsUsageOnStderrAndExitsTwo() {
    Result r = CliRun.run();
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Usage: semafor").contains("enqueue", "status", "job");
  }

  @Test
  void theLabsHelpSpeaksOnlyOfWhatTheLabTakes() {
    for (String[] command :
        new String[][] {
          {"lab", "--help"},
          {"lab", "spinner", "--help"},
          {"lab", "primes", "--help"},
          {"lab", "contention", "--help"}
        }) {
      Result r = CliRun.run(command);
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .as(String.join(" ", command))
          .contains("Exit codes: 0 done")
          .doesNotContain("--broker", "SEMAFOR_BROKER", "the notes", "procs.py");
    }
    assertThat(CliRun.run("worker", "--help").out()).contains("$SEMAFOR_BROKER");
  }

  @Test
  void theLabsInternalTaskIsInNoTaskList() {
    Result r = CliRun.run("enqueue", "no.such.task", "--broker", "memory:");
    assertThat(r.err()).contains("semafor.primes").doesNotContain("lab.");
  }
}
