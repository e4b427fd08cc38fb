package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task that calls {@code System.exit} in an in-process model stops its worker; the job's attempt
 * counts and the error says what happened, so it ends DEAD after its attempts instead of coming
 * back for ever.
 */
@org.junit.jupiter.api.Timeout(120)
class SystemExitTest {
  @ParameterizedTest
  @ValueSource(strings = {"THREADS", "VIRTUAL"})
  void aTaskThatCallsSystemExitFailsItsAttemptWithAReasonThatSaysSo(String model) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process worker =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SystemExitWorkerMain.class.getName(),
                model)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String last = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("job ")) {
          last = line;
        }
      }
    } finally {
      if (!worker.waitFor(30, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
    }
    assertThat(last)
        .isEqualTo(
            "job DEAD 1 "
                + StoppedJobs.ERROR_TYPE
                + ": the task called System.exit while the job ran, which stopped the worker");
  }
}
