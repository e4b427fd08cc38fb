package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessPoolBuilderTest {
  @Test
  void refusesJvmOptionsThatWriteToStdout() {
    assertThatThrownBy(() -> ProcessPool.builder().jvmOptions(List.of("-Xmx64m", "-verbose:gc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "JVM option -verbose:gc writes to stdout, which carries the process pool's protocol;"
                + " use -Xlog with an output instead, e.g. -Xlog:gc:stderr");
    for (String option :
        List.of("-Xlog", "-Xlog:gc", "-Xlog:gc*", "-Xlog:gc::uptime", "-Xlog:gc:stdout")) {
      assertThatThrownBy(() -> ProcessPool.builder().jvmOptions(List.of(option)))
          .as(option)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("JVM option " + option + " logs to stdout");
    }
  }

  @Test
  void acceptsLoggingToStderrOrAFile() {
    assertThatCode(
            () ->
                ProcessPool.builder()
                    .jvmOptions(
                        List.of(
                            "-Xlog:gc:stderr", "-Xlog:gc*:file=gc.log:uptime", "-Xlog:disable")))
        .doesNotThrowAnyException();
  }

  @Test
  void checksEachSettingAtOnce() {
    assertThatThrownBy(() -> ProcessPool.builder().size(0))
        .hasMessage("size must be at least 1: 0");
    assertThatThrownBy(() -> ProcessPool.builder().jvmOptions(List.of(" ")))
        .hasMessage("a JVM option must not be blank: [ ]");
    assertThatThrownBy(() -> ProcessPool.builder().maxJobsPerChild(-1))
        .hasMessage("maxJobsPerChild must not be negative: -1");
    assertThatThrownBy(() -> ProcessPool.builder().cancelGrace(Duration.ZERO))
        .hasMessage("cancelGrace must be positive: PT0S");
    assertThatThrownBy(() -> ProcessPool.builder().pipelineBudget(Duration.ofMillis(-1)))
        .hasMessage("pipelineBudget must not be negative: PT-0.001S");
  }
}
