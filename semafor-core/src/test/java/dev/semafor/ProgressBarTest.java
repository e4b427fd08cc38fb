package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final StringWriter err = new StringWriter();
  private final PrintWriter errWriter = new PrintWriter(err, true);

  @Test
  void onATerminalTheBarIsRedrawnInPlaceThenErased() {
    ProgressBar bar = new ProgressBar(errWriter, true, 20).label("checking");
    bar.update(10);
    bar.step();

    String drawn = err.toString();
    assertThat(drawn).startsWith("\rchecking [").contains("] 0/20").contains("] 11/20");
    assertThat(drawn).doesNotContain("\n");
    String cells = drawn.substring(drawn.lastIndexOf('[') + 1).split("]")[0];
    assertThat(cells).hasSize(30);
    assertThat(cells.chars().filter(c -> c == '#' || c == '\u2588').count())
        .as("11 of 20 steps fill 16 of 30 cells")
        .isEqualTo(16);

    bar.clear();
    assertThat(err.toString()).endsWith("\r").doesNotContain("\n");
  }

  @Test
  void disabledItDrawsNothing() {
    ProgressBar bar = new ProgressBar(errWriter, false, 20).label("checking");
    bar.update(10);
    bar.step();
    bar.clear();
    assertThat(ProgressBar.whileRunning(errWriter, false, 5, () -> 7)).isEqualTo(7);

    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aLineForStdoutLiftsTheBarAndPutsItBack() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(errWriter, true, 2);
    bar.step();
    int before = err.toString().length();

    bar.println(new PrintWriter(out, true), "7 P");

    assertThat(out.toString()).isEqualTo("7 P" + System.lineSeparator());
    String after = err.toString().substring(before);
    assertThat(after).as("erased, then drawn again").startsWith("\r ").contains("] 1/2");
  }

  @Test
  void aStepNeverPassesTheTotal() {
    ProgressBar bar = new ProgressBar(errWriter, true, 1);
    bar.step();
    bar.step();
    assertThat(err.toString()).contains("] 1/1").doesNotContain("2/1");
  }

  @Test
  void whileOneLongStepRunsTheBarShowsTheTimeGoingByThenClearsItself() {
    int result =
        ProgressBar.whileRunning(
            errWriter,
            true,
            100_000,
            () -> {
              // the step runs until the bar has been drawn at least once
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> err.toString().contains("0/100000"));
              return 42;
            });

    assertThat(result).isEqualTo(42);
    assertThat(err.toString()).contains("0/100000").endsWith("\r");
  }

  @Test
  void theLaunchersWordOnTheTerminalIsTaken() {
    String before = System.getProperty("semafor.tty");
    try {
      System.setProperty("semafor.tty", "true");
      assertThat(ProgressBar.stderrIsTerminal()).isTrue();
      System.setProperty("semafor.tty", "false");
      assertThat(ProgressBar.stderrIsTerminal()).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty("semafor.tty");
      } else {
        System.setProperty("semafor.tty", before);
      }
    }
  }
}
