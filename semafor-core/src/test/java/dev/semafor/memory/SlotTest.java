package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

final class SlotTest {
  private static final Instant ENQUEUED = Instant.parse("2026-11-26T10:00:00.123456789Z");
  private static final Instant LEASED = ENQUEUED.plusSeconds(1);
  private static final Instant EXPIRES = LEASED.plusSeconds(30);
  private static final Instant DONE = LEASED.plusMillis(5);

  private final JobRecord queued =
      JobRecord.builder()
          .id("job-1")
          .task("semafor.noop")
          .queue("q")
          .priority(3)
          .input("{\"a\":1}")
          .attempts(1)
          .progressMessage("half way")
          .runAt(ENQUEUED)
          .enqueuedAt(ENQUEUED)
          .build();
  private final Slot slot = new Slot(7, queued, new long[JobState.values().length]);

  @Test
  void aLeaseReadsAsTheRecordTheOldCopyingCodeBuilt() {
    slot.leased(LEASED, EXPIRES, "worker-a");

    JobRecord expected =
        queued.toBuilder()
            .state(JobState.RUNNING)
            .attempts(2)
            .startedAt(LEASED)
            .leaseExpiresAt(EXPIRES)
            .workerId("worker-a")
            .cancelRequested(false)
            .build();
    assertThat(slot.state()).isEqualTo(JobState.RUNNING);
    assertThat(slot.attempts()).isEqualTo(2);
    assertThat(slot.leaseExpiresAt()).isEqualTo(EXPIRES);
    assertThat(slot.workerId()).isEqualTo("worker-a");
    assertThat(slot.view()).isEqualTo(expected);
    assertThat(slot.fixed()).as("view() builds without keeping").isSameAs(queued);
    assertThat(slot.record()).isEqualTo(expected);
    assertThat(slot.fixed()).as("record() keeps what it built").isEqualTo(expected);
  }

  @Test
  void aSuccessAfterALeaseReadsAsTheOldCopyingCodeBuilt() {
    slot.leased(LEASED, EXPIRES, "worker-a");
    Instant later = EXPIRES.plusSeconds(30);
    slot.extend(later);
    assertThat(slot.leaseExpiresAt()).isEqualTo(later);

    slot.succeeded("42", DONE);

    assertThat(slot.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(slot.leaseExpiresAt()).isNull();
    assertThat(slot.record())
        .isEqualTo(
            queued.toBuilder()
                .state(JobState.SUCCEEDED)
                .attempts(2)
                .startedAt(LEASED)
                .workerId("worker-a")
                .result("42")
                .finishedAt(DONE)
                .progress(1.0)
                .started(true) // an attempt that ended has started
                .build());
  }

  @Test
  void aSuccessAfterTheRecordWasRewrittenKeepsWhatTheRewriteSet() {
    slot.leased(LEASED, EXPIRES, "worker-a");
    // as cancel() and progress() do: read the whole record, write a changed copy
    slot.write(slot.record().toBuilder().cancelRequested(true).progressMessage("nearly").build());
    assertThat(slot.cancelRequested()).isTrue();

    slot.succeeded("null", DONE);

    JobRecord done = slot.record();
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.startedAt()).isEqualTo(LEASED);
    assertThat(done.workerId()).isEqualTo("worker-a");
    assertThat(done.cancelRequested()).isTrue();
    assertThat(done.progressMessage()).isEqualTo("nearly");
    assertThat(done.leaseExpiresAt()).isNull();
  }

  @Test
  void writingARecordDropsTheOverlay() {
    slot.leased(LEASED, EXPIRES, "worker-a");
    JobRecord requeued = queued.toBuilder().state(JobState.QUEUED).attempts(1).build();

    slot.write(requeued);

    assertThat(slot.state()).isEqualTo(JobState.QUEUED);
    assertThat(slot.workerId()).isNull();
    assertThat(slot.leaseExpiresAt()).isNull();
    assertThat(slot.record()).isSameAs(requeued);
    assertThat(slot.view()).isSameAs(requeued);
  }

  @Test
  void extendingALeaseThatWasRewrittenRewritesIt() {
    slot.leased(LEASED, EXPIRES, "worker-a");
    slot.write(slot.record().toBuilder().progress(0.5).build());
    Instant later = EXPIRES.plusSeconds(30);

    slot.extend(later);

    assertThat(slot.record().leaseExpiresAt()).isEqualTo(later);
    assertThat(slot.record().progress()).isEqualTo(0.5);
  }
}
