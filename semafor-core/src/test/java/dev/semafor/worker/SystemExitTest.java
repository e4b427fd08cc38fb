package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A task that calls {@code System.exit} in an in-process model stops its worker; the job's attempt
 * counts and the error says what happened, so it ends DEAD after its attempts instead of coming
 * back for ever.
 */
@org.junit.jupiter.api.Timeout(120)
class SystemExitTest {
  /**
   * Both models at once, each in a JVM of its own (a JVM costs its start; two start side by side).
   */
  @Test
  void aTaskThatCallsSystemExitFailsItsAttemptWithAReasonThatSaysSo() throws Exception {
    Map<String, Process> workers = new LinkedHashMap<>();
    for (String model : List.of("THREADS", "VIRTUAL")) {
      workers.put(model, start(model));
    }
    for (Map.Entry<String, Process> worker : workers.entrySet()) {
      assertThat(lastJobLine(worker.getValue()))
          .as(worker.getKey())
          .isEqualTo(
              "job DEAD 1 "
                  + StoppedJobs.ERROR_TYPE
                  + ": the task called System.exit while the job ran, which stopped the worker");
    }
  }

  /** A JVM running {@link SystemExitWorkerMain} on {@code model}, cheap to start. */
  private static Process start(String model) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-cp",
            System.getProperty("java.class.path"),
            SystemExitWorkerMain.class.getName(),
            model)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** The last line starting "job " the worker printed, once its stdout ends. */
  private static String lastJobLine(Process worker) throws Exception {
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
    return last;
  }
}
