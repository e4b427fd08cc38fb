package dev.semafor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.semafor.JobState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A leased view ({@link Lease#leased}) against a lease of the running record it stands for. */
class LeaseTest {
  private static final Instant ENQUEUED = Instant.parse("2026-12-04T10:00:00Z");
  private static final Instant LEASED = ENQUEUED.plusSeconds(5);
  private static final Instant EXPIRES = LEASED.plusSeconds(30);

  private final JobRecord waiting =
      JobRecord.builder()
          .id("j1")
          .task("mail.send")
          .queue("mail")
          .state(JobState.QUEUED)
          .input("{\"to\":\"a@b\"}")
          .runAt(ENQUEUED)
          .enqueuedAt(ENQUEUED)
          .attempts(1)
          .maxAttempts(4)
          .timeout(Duration.ofSeconds(9))
          .next("[]")
          .cancelRequested(true)
          .build();

  @Test
  void aLeasedViewIsTheJobRunningAndEqualsALeaseOfThatRecord() {
    Lease view = Lease.leased(waiting, 2, LEASED, "w1", "tok", EXPIRES);
    JobRecord running =
        waiting.toBuilder()
            .state(JobState.RUNNING)
            .attempts(2)
            .startedAt(LEASED)
            .started(false)
            .leaseExpiresAt(EXPIRES)
            .workerId("w1")
            .cancelRequested(false)
            .build();

    assertThat(view.job()).isEqualTo(running).isSameAs(view.job());
    Lease stored = new Lease(running, "tok", EXPIRES);
    assertThat(view).isEqualTo(stored).hasSameHashCodeAs(stored);
    assertThat(view.ref()).isEqualTo(new LeaseRef("j1", "tok"));
  }

  @Test
  void itsAccessorsReadWhatTheRunningRecordSays() {
    Lease view = Lease.leased(waiting, 2, LEASED, "w1", "tok", EXPIRES);
    Lease stored = new Lease(view.job(), "tok", EXPIRES);
    for (Lease l : new Lease[] {view, stored}) {
      assertThat(l.jobId()).isEqualTo("j1");
      assertThat(l.task()).isEqualTo("mail.send");
      assertThat(l.queue()).isEqualTo("mail");
      assertThat(l.input()).isEqualTo("{\"to\":\"a@b\"}");
      assertThat(l.next()).isEqualTo("[]");
      assertThat(l.timeout()).isEqualTo(Duration.ofSeconds(9));
      assertThat(l.attempts()).isEqualTo(2);
      assertThat(l.maxAttempts()).isEqualTo(4);
      assertThat(l.token()).isEqualTo("tok");
      assertThat(l.expiresAt()).isEqualTo(EXPIRES);
    }
  }

  @Test
  void leasesOnSharedTermsEachReadTheirOwnJobAndTheCallsTerms() {
    Lease.Terms terms = new Lease.Terms(LEASED, "w1", "tok", EXPIRES);
    JobRecord other = waiting.toBuilder().id("j2").attempts(0).build();
    Lease first = Lease.leased(waiting, 2, terms);
    Lease second = Lease.leased(other, 1, terms);

    assertThat(first).isEqualTo(Lease.leased(waiting, 2, LEASED, "w1", "tok", EXPIRES));
    assertThat(first.ref()).isEqualTo(new LeaseRef("j1", "tok"));
    assertThat(second.ref()).isEqualTo(new LeaseRef("j2", "tok"));
    assertThat(second.attempts()).isEqualTo(1);
    assertThat(second.expiresAt()).isEqualTo(EXPIRES);
    assertThat(second.job().workerId()).isEqualTo("w1");
    assertThat(second.job().startedAt()).isEqualTo(LEASED);
    assertThat(second.job().leaseExpiresAt()).isEqualTo(EXPIRES);
    assertThat(second.job().attempts()).isEqualTo(1);
  }

  @Test
  void aLeaseOfNoRecordIsRefusedWhenMadeNotWhenRead() {
    assertThatNullPointerException()
        .isThrownBy(() -> new Lease(null, "tok", EXPIRES))
        .withMessage("job");
  }
}
