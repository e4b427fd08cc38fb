package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code semafor.*} value stops start-up with one line that names the property.
 *
 * <p>Spring Boot prints an "APPLICATION FAILED TO START" report for each refused start-up. The two
 * tests that check that report read it; the others leave it out of the test output ({@link
 * #QUIET}): each of them asserts the failure it expects, and anything else fails it with its cause.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertyStartupTest {
  private static final String REPORTER =
      "org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter";

  /** Leaves Spring Boot's failure report out of the test output. */
  static final String QUIET = "logging.level." + REPORTER + "=off";

  /** Prints it (the level a failure report is logged at), whatever an earlier test set. */
  private static final String REPORTED = "logging.level." + REPORTER + "=error";

  @Test
  void aConcurrencyBelowOneNamesTheProperty(CapturedOutput output) {
    InvalidSemaforPropertyException e =
        startFailure(
            InvalidSemaforPropertyException.class, "semafor.worker.concurrency=0", REPORTED);

    assertThat(e.property()).isEqualTo("semafor.worker.concurrency");
    assertThat(e.getMessage()).isEqualTo("semafor.worker.concurrency=0: must be at least 1");
    assertThat(output.getOut() + output.getErr())
        .containsOnlyOnce(
            "Invalid value '0' for property 'semafor.worker.concurrency': must be at least 1");
  }

  @Test
  void aHeartbeatNoShorterThanTheLeaseNamesTheHeartbeat() {
    InvalidSemaforPropertyException e =
        startFailure(
            InvalidSemaforPropertyException.class,
            "semafor.worker.lease-duration=5s",
            "semafor.worker.heartbeat-interval=5s");

    assertThat(e.getMessage())
        .isEqualTo(
            "semafor.worker.heartbeat-interval=PT5S: must be shorter than"
                + " semafor.worker.lease-duration (PT5S)");
  }

  @Test
  void aBrokerUrlNoBrokerServesNamesTheBrokerProperty() {
    InvalidSemaforPropertyException e =
        startFailure(InvalidSemaforPropertyException.class, "semafor.broker=nosuch:thing");

    assertThat(e.property()).isEqualTo("semafor.broker");
    assertThat(e.getMessage()).startsWith("semafor.broker=nosuch:thing: no broker for 'nosuch:'");
  }

  @Test
  void aModelThatDoesNotExistNamesTheProperty() {
    BindException e = startFailure(BindException.class, "semafor.worker.model=turbo");

    assertThat(e.getMessage()).contains("'semafor.worker.model'");
  }

  @Test
  void aSequentialWorkerWithConcurrencyTwoNamesTheWorkerSettings() {
    InvalidSemaforPropertyException e =
        startFailure(
            InvalidSemaforPropertyException.class,
            "semafor.worker.model=sequential",
            "semafor.worker.concurrency=2");

    assertThat(e.getMessage())
        .isEqualTo(
            "semafor.worker={model=SEQUENTIAL, concurrency=2}: the sequential model runs one job"
                + " at a time; concurrency was 2");
  }

  @Test
  void aBadCronExpressionNamesTheMethod(CapturedOutput output) {
    InvalidSemaforTaskException e =
        startFailure(
            new Class<?>[] {TestApp.class, BadCron.class},
            InvalidSemaforTaskException.class,
            "semafor.worker.enabled=true",
            REPORTED);

    String expected =
        "@SemaforTask method BadCron.often: schedule 'test.often': bad cron expression"
            + " 'every minute'";
    assertThat(e.getMessage()).startsWith(expected);
    assertThat(output.getOut() + output.getErr()).containsOnlyOnce(expected);
  }

  @org.springframework.context.annotation.Configuration
  static class BadCron {
    @SemaforTask(value = "test.often", cron = "every minute")
    void often() {}
  }

  /** Starts the test application with {@code properties} and returns why it did not start. */
  private static <T extends Throwable> T startFailure(Class<T> type, String... properties) {
    return startFailure(new Class<?>[] {TestApp.class}, type, properties);
  }

  /**
   * Starts (and closes) an application of {@code sources} on the memory broker; afterwards the
   * failure report's log level is reset, so that later start-ups in this JVM print theirs.
   */
  static void startQuietly(Class<?>[] sources, String... properties) {
    try {
      SemaforStarterContract.start(sources, "memory:", properties).close();
    } finally {
      LoggingSystem.get(BadPropertyStartupTest.class.getClassLoader()).setLogLevel(REPORTER, null);
    }
  }

  private static <T extends Throwable> T startFailure(
      Class<?>[] sources, Class<T> type, String... properties) {
    String[] all = new String[properties.length + 2];
    all[0] = QUIET; // unless the test's own properties, which come later and win, say otherwise
    System.arraycopy(properties, 0, all, 1, properties.length);
    all[properties.length + 1] = "semafor.worker.enabled=true";
    Throwable thrown = catchThrowable(() -> startQuietly(sources, all));
    assertThat(thrown).as("start-up should fail").isNotNull();
    Throwable cause = thrown;
    while (cause != null && !type.isInstance(cause)) {
      cause = cause.getCause();
    }
    assertThat(cause)
        .as("a %s in %s", type.getSimpleName(), NestedExceptionUtils.getMostSpecificCause(thrown))
        .isNotNull();
    return type.cast(cause);
  }
}
