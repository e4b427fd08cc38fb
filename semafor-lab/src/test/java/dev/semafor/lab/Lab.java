package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.ReportJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import picocli.CommandLine;

/** Runs lab commands as the CLI would, capturing what they print. */
final class Lab {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Ran(int exitCode, String out, String err) {
    JsonNode json() {
      assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
      assertThat(ReportJson.violations(out)).as("the report style of %s", out).isEmpty();
      try {
        return JSON.readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not one JSON object on stdout: " + out, e);
      }
    }
  }

  private Lab() {}

  static Ran run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LabMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  /**
   * Waits (briefly) until no Semafor thread is alive and this JVM has no child process: every pool
   * that ran has stopped and left nothing behind.
   */
  static void assertNothingLeftBehind() {
    Awaitility.await("threads and processes left behind")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(liveSemaforThreads()).isEmpty();
              assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid).toList())
                  .isEmpty();
            });
  }

  static List<String> liveSemaforThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("semafor-") || n.startsWith("lab-"))
        .sorted()
        .toList();
  }
}
