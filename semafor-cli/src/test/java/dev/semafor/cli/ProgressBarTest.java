package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void whileOneLongStepRunsTheBarShowsTheTimeGoingByThenClearsItself() {
    StringWriter err = new StringWriter();
    PrintWriter out = new PrintWriter(err, true);

    int result =
        ProgressBar.whileRunning(
            out,
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
}
