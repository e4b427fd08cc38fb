package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
  @Test
  void plainExitCodesReadAsExitCodes() {
    assertThat(ExitStatus.describe(0)).isEqualTo("exit code 0");
    assertThat(ExitStatus.describe(3)).isEqualTo("exit code 3");
    assertThat(ExitStatus.describe(128)).isEqualTo("exit code 128");
    assertThat(ExitStatus.describe(255)).isEqualTo("exit code 255");
  }

  @Test
  void codesAbove128ReadAsSignals() {
    assertThat(ExitStatus.describe(137)).isEqualTo("killed by signal 9 (SIGKILL)");
    assertThat(ExitStatus.describe(143)).isEqualTo("killed by signal 15 (SIGTERM)");
    assertThat(ExitStatus.describe(134)).isEqualTo("killed by signal 6 (SIGABRT)");
    assertThat(ExitStatus.describe(128 + 40)).isEqualTo("killed by signal 40");
  }
}
