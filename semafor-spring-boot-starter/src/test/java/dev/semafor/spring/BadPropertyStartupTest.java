package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

/** A bad {@code semafor.*} value stops start-up with one line that names the property. */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertyStartupTest {

  @Test
  void aConcurrencyBelowOneNamesTheProperty(CapturedOutput output) {
    InvalidSemaforPropertyException e =
        startFailure(InvalidSemaforPropertyException.class, "semafor.worker.concurrency=0");

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
            "semafor.worker.enabled=true");

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

  private static <T extends Throwable> T startFailure(
      Class<?>[] sources, Class<T> type, String... properties) {
    String[] all = new String[properties.length + 1];
    System.arraycopy(properties, 0, all, 0, properties.length);
    all[properties.length] = "semafor.worker.enabled=true";
    Throwable thrown =
        catchThrowable(() -> SemaforStarterContract.start(sources, "memory:", all).close());
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
