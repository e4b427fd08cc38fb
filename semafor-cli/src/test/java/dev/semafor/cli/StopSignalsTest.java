package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StopSignalsTest {
  private final StringWriter err = new StringWriter();
  private final Cli cli =
      new Cli(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(), false);
  private final List<String> calls = new ArrayList<>();

  @Test
  void theFirstCtrlCSaysWhatItWaitsForAndStopsGracefullyTheSecondStopsAtOnce() {
    StopSignals signals =
        new StopSignals(
            cli,
            () -> StopSignals.stoppingLine("stopping", Duration.ofSeconds(30), 2),
            () -> calls.add("stop"),
            0,
            code -> calls.add("exit " + code),
            code -> calls.add("halt " + code));

    signals.interrupted();
    assertThat(err.toString())
        .isEqualTo("stopping: waiting up to 30 s for 2 running jobs; Ctrl-C again to stop now\n");
    assertThat(calls).containsExactly("exit 0");

    signals.interrupted();
    assertThat(calls).containsExactly("exit 0", "halt 130");
    assertThat(err.toString().lines().toList())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("stopping now: jobs still running go back to their queues when their leases");

    signals.interrupted();
    assertThat(calls).hasSize(2);
  }

  @Test
  @SuppressWarnings("DoNotCall") // runs the shutdown hook's body on this thread, as the JVM would
  void theHookStopsGracefullyThenEndsWithTheCommandsExitCode() {
    StopSignals signals =
        new StopSignals(
            cli,
            () -> "unused",
            () -> calls.add("stop"),
            StopSignals.INTERRUPTED,
            code -> calls.add("exit " + code),
            code -> calls.add("halt " + code));

    signals.hook().run();

    assertThat(calls).containsExactly("stop", "halt 130");
  }

  @Test
  void theStoppingLineCountsJobsAndShowsShortGracesInMilliseconds() {
    assertThat(StopSignals.stoppingLine("stopping the demo", Duration.ofMillis(250), 1))
        .isEqualTo(
            "stopping the demo: waiting up to 250 ms for 1 running job; Ctrl-C again to stop now");
  }
}
