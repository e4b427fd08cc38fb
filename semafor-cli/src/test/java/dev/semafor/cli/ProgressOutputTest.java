package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long commands draw one progress bar on a terminal, and nothing when stderr is piped. */
class ProgressOutputTest {
  private static final List<String> DEMO = List.of("demo", "--broker", "memory:", "-c", "2");
  private static final List<String> BENCH =
      List.of("bench", "--broker", "memory:", "--jobs", "2000", "--batch", "100");
  private static final List<String> LAB =
      List.of("lab", "primes", "--model", "sequential", "--numbers", "97,15,7919");

  private static Result run(boolean terminal, List<String> args) {
    String[] a = args.toArray(String[]::new);
    Result r = terminal ? CliRun.onTerminal(a) : CliRun.run(a);
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  @Test
  void onATerminalEachLongCommandDrawsTheBarOnStderrOnly() {
    assertThat(run(true, DEMO).err()).contains("\r  [").contains("] 20/20");
    Result bench = run(true, BENCH);
    assertThat(bench.err()).contains("\renqueue [").contains("/2000");
    // the lab asks the process itself whether stderr is a terminal (it runs without the CLI
    // too): --progress stands in for one here
    List<String> lab0 = new ArrayList<>(LAB);
    lab0.add("--progress");
    Result lab = run(true, lab0);
    assertThat(lab.err()).contains("\rchecking [").contains("/3");
    assertThat(lab.out()).doesNotContain("\r").contains("7919");
  }

  /** The lab's own look at stderr: in this test JVM it is a pipe, as when a user pipes it. */
  @Test
  void pipedTheyDrawNothing() {
    for (List<String> command : List.of(DEMO, BENCH, LAB)) {
      Result r = run(false, command);
      assertThat(r.err()).as(command.toString()).doesNotContain("\r", "[#", "[\u2588", "/20  ");
      assertThat(r.out()).doesNotContain("\r");
    }
  }
}
