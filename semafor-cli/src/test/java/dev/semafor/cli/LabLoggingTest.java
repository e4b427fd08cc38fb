package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code semafor lab} prints a report: the workers' INFO lines are kept out of it. */
class LabLoggingTest {
  private final Logger semafor = (Logger) LoggerFactory.getLogger("dev.semafor");

  @AfterEach
  void restore() {
    semafor.setLevel(null);
  }

  @Test
  void aLabRunShowsOnlyWarningsFromSemafor() {
    semafor.setLevel(Level.INFO);

    CliRun.Result r = CliRun.run("lab", "primes", "--model", "sequential", "--numbers", "97,15");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("97");
    assertThat(semafor.getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void verboseKeepsThem() {
    semafor.setLevel(Level.INFO);

    CliRun.Result r =
        CliRun.run("lab", "primes", "--model", "sequential", "--numbers", "97", "--verbose");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(semafor.getLevel()).isEqualTo(Level.INFO);
  }
}
