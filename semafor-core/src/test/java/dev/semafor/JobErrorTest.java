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

    assertThat(error.stackTrace()).hasSizeLessThanOrEqualTo(JobError.MAX_STACK_CHARS);
    assertThat(error.stackTrace()).containsPattern("\n… \\(\\d+ more\\)$");
  }

  @Test
  void aLongMessageIsCutToTheBound() {
    JobError error = JobError.of("E", "x".repeat(10_000));

    int kept = error.message().indexOf('\n');
    assertThat(error.message()).hasSizeLessThanOrEqualTo(JobError.MAX_MESSAGE_CHARS);
    assertThat(kept).isGreaterThan(JobError.MAX_MESSAGE_CHARS - 30);
    assertThat(error.message()).isEqualTo("x".repeat(kept) + "\n… (" + (10_000 - kept) + " more)");
  }

  @Test
  void anErrorReadBackFromItsPartsEqualsTheOriginal() {
    JobError cut = JobError.of(recurse(5_000));
    JobError longMessage = JobError.of("E", "y".repeat(50_000));

    assertThat(new JobError(cut.type(), cut.message(), cut.stackTrace())).isEqualTo(cut);
    assertThat(new JobError("E", longMessage.message(), "")).isEqualTo(longMessage);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    for (String lead : new String[] {"", "a"}) {
      JobError error = JobError.of("E", lead + emoji.repeat(JobError.MAX_MESSAGE_CHARS));

      String kept = error.message().substring(0, error.message().indexOf('\n'));
      assertThat(kept).isEqualTo(lead + emoji.repeat((kept.length() - lead.length()) / 2));
    }
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
