package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void defaultsAreTheDefaultQueueThreeAttemptsAndNoDelay() {
    JobOptions d = JobOptions.defaults();

    assertThat(d.queue()).isEqualTo("default");
    assertThat(d.priority()).isZero();
    assertThat(d.maxAttempts()).isEqualTo(3);
    assertThat(d.backoff()).isEqualTo(Backoff.defaults());
    assertThat(d.effectiveRunAt(NOW)).isEqualTo(NOW);
    assertThat(d.timeout()).isNull();
    assertThat(d.concurrencyKey()).isNull();
  }

  @Test
  void eachSetterReturnsACopyAndLeavesTheOriginalAlone() {
    JobOptions base = JobOptions.defaults();
    JobOptions changed =
        base.queue("mail")
            .priority(5)
            .maxAttempts(7)
            .timeout(Duration.ofSeconds(30))
            .uniqueKey("u")
            .backoff(Backoff.none())
            .concurrency("smtp", 2);

    assertThat(base).isEqualTo(JobOptions.defaults());
    assertThat(changed.queue()).isEqualTo("mail");
    assertThat(changed.priority()).isEqualTo(5);
    assertThat(changed.maxAttempts()).isEqualTo(7);
    assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(changed.uniqueKey()).isEqualTo("u");
    assertThat(changed.backoff()).isEqualTo(Backoff.none());
    assertThat(changed.concurrencyKey()).isEqualTo("smtp");
    assertThat(changed.concurrencyLimit()).isEqualTo(2);
  }

  @Test
  void delayAndRunAtAreExclusiveAndTheLaterCallWins() {
    Instant at = NOW.plusSeconds(600);

    assertThat(JobOptions.defaults().delay(Duration.ofSeconds(5)).effectiveRunAt(NOW))
        .isEqualTo(NOW.plusSeconds(5));
    assertThat(JobOptions.defaults().delay(Duration.ofSeconds(5)).runAt(at).effectiveRunAt(NOW))
        .isEqualTo(at);
    assertThat(JobOptions.defaults().runAt(at).delay(Duration.ofSeconds(5)).effectiveRunAt(NOW))
        .isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void negativePrioritiesAreAllowed() {
    assertThat(JobOptions.defaults().priority(-10).priority()).isEqualTo(-10);
  }

  @Test
  void aBlankOrOverlongQueueNameIsRefused() {
    assertThatThrownBy(() -> JobOptions.defaults().queue(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queue name must not be blank");
    assertThatThrownBy(() -> JobOptions.defaults().queue(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobOptions.defaults().queue("q".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 200");
  }

  @Test
  void fewerThanOneAttemptIsRefused() {
    assertThatThrownBy(() -> JobOptions.defaults().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be at least 1: 0");
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThatThrownBy(() -> JobOptions.defaults().delay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must be between 0 and 36500 days");
  }

  @Test
  void timesOutOfRangeAreRefusedBeforeAnythingOverflows() {
    assertThatThrownBy(
            () -> JobOptions.defaults().runAt(Instant.parse("+999999999-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run-at must be between 1970-01-01T00:00:00Z and 9999-12-31");
    assertThatThrownBy(() -> JobOptions.defaults().runAt(Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobOptions.defaults().delay(Duration.ofMillis((long) 1e18)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must be between 0 and 36500 days");
    assertThatThrownBy(() -> JobOptions.defaults().timeout(Duration.ofDays(36_501)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 36500 days");
    assertThat(JobOptions.defaults().runAt(JobOptions.MAX_RUN_AT).runAt())
        .isEqualTo(JobOptions.MAX_RUN_AT);
    assertThat(JobOptions.defaults().delay(JobOptions.MAX_DURATION).delay())
        .isEqualTo(JobOptions.MAX_DURATION);
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThatThrownBy(() -> JobOptions.defaults().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> JobOptions.defaults().timeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConcurrencyLimitMustBeAtLeastOne() {
    assertThatThrownBy(() -> JobOptions.defaults().concurrency("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void aNullBackoffIsRefused() {
    assertThatThrownBy(() -> JobOptions.defaults().backoff(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("backoff");
  }
}
