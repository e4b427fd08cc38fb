package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobErrorTest {

  @Test
  void ofAnExceptionRecordsItsTypeMessageAndStackTrace() {
    JobError error = JobError.of(new IllegalStateException("bad state"));

    assertThat(error.type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.message()).isEqualTo("bad state");
    assertThat(error.stackTrace())
        .startsWith("java.lang.IllegalStateException: bad state")
        .contains("JobErrorTest");
    assertThat(error).hasToString("java.lang.IllegalStateException: bad state");
  }

  @Test
  void aDeepStackTraceIsCutToTheBoundAndSaysHowMuchWasLeftOut() {
    JobError error = JobError.of(recurse(5_000));

    assertThat(error.stackTrace()).hasSizeLessThan(JobError.MAX_STACK_CHARS + 40);
    assertThat(error.stackTrace()).containsPattern("\n… \\(\\d+ more\\)$");
  }

  @Test
  void aLongMessageIsCutToTheBound() {
    JobError error = JobError.of("E", "x".repeat(10_000));

    assertThat(error.message())
        .startsWith("x".repeat(JobError.MAX_MESSAGE_CHARS))
        .endsWith("(7952 more)");
  }

  @Test
  void missingPartsBecomeEmptyNotNull() {
    JobError error = new JobError(null, null, null);

    assertThat(error.type()).isEqualTo("unknown");
    assertThat(error.message()).isEmpty();
    assertThat(error.stackTrace()).isEmpty();
    assertThat(JobError.of(new RuntimeException()).message()).isEqualTo("null");
  }

  private static RuntimeException recurse(int depth) {
    return depth == 0 ? new RuntimeException("deep") : recurse(depth - 1);
  }
}
