package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobControlOptionsTest {

  @Test
  void rateLimitNeedsPermitsAndAPositivePeriod() {
    JobOptions o = JobOptions.defaults().rateLimit("api", 100, Duration.ofSeconds(1));
    assertThat(o.rateKey()).isEqualTo("api");
    assertThat(o.ratePermits()).isEqualTo(100);
    assertThat(o.ratePeriod()).isEqualTo(Duration.ofSeconds(1));

    assertThatThrownBy(() -> JobOptions.defaults().rateLimit("api", 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permits");
    assertThatThrownBy(() -> JobOptions.defaults().rateLimit("api", 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period");
    assertThatThrownBy(() -> JobOptions.defaults().rateLimit(" ", 1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate key");
  }

  @Test
  void uniqueKeyDefaultsToRejectAndTakesAPolicy() {
    assertThat(JobOptions.defaults().uniqueKey("k").uniquePolicy()).isEqualTo(UniquePolicy.REJECT);
    JobOptions replace = JobOptions.defaults().unique("k", UniquePolicy.REPLACE);
    assertThat(replace.uniqueKey()).isEqualTo("k");
    assertThat(replace.uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
    assertThat(replace.uniqueKey("j").uniquePolicy()).isEqualTo(UniquePolicy.REJECT);
  }

  @Test
  void aConcurrencyKeyNeedsALimit() {
    assertThatThrownBy(() -> JobOptions.defaults().concurrency("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void settersKeepEveryOtherField() {
    JobOptions o =
        JobOptions.defaults()
            .queue("q")
            .priority(3)
            .timeout(Duration.ofSeconds(5))
            .concurrency("c", 2)
            .rateLimit("r", 3, Duration.ofMinutes(1))
            .unique("u", UniquePolicy.REPLACE)
            .maxAttempts(7);
    assertThat(o.queue()).isEqualTo("q");
    assertThat(o.priority()).isEqualTo(3);
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.concurrencyKey()).isEqualTo("c");
    assertThat(o.concurrencyLimit()).isEqualTo(2);
    assertThat(o.rateKey()).isEqualTo("r");
    assertThat(o.uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
    assertThat(o.maxAttempts()).isEqualTo(7);
  }

  @Test
  void taskDefaultsFillOnlyWhatTheJobLeftUnset() {
    TaskOptions defaults =
        TaskOptions.defaults()
            .timeout(Duration.ofMinutes(5))
            .concurrencyLimit(2)
            .rateLimit(10, Duration.ofSeconds(1));

    JobOptions filled = JobOptions.defaults().withDefaults("reports.render", defaults);
    assertThat(filled.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(filled.concurrencyKey()).isEqualTo("reports.render");
    assertThat(filled.concurrencyLimit()).isEqualTo(2);
    assertThat(filled.rateKey()).isEqualTo("reports.render");
    assertThat(filled.ratePermits()).isEqualTo(10);

    JobOptions own =
        JobOptions.defaults()
            .timeout(Duration.ofSeconds(1))
            .concurrency("tenant-1", 1)
            .withDefaults("reports.render", defaults);
    assertThat(own.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(own.concurrencyKey()).isEqualTo("tenant-1");
    assertThat(own.concurrencyLimit()).isEqualTo(1);
  }

  @Test
  void workflowStepsAreChecked() {
    assertThatThrownBy(() -> Workflow.step("t", 1, JobOptions.defaults().uniqueKey("u")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be unique");
    assertThatThrownBy(() -> Workflow.chain(Workflow.step("a", 1), Workflow.step("b", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receives the previous step's result");
    assertThatThrownBy(() -> Workflow.chain(Workflow.step("a", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two steps");
    assertThatThrownBy(
            () -> Workflow.chord(Workflow.group(Workflow.step("a", 1)), Workflow.step("cb", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receives the results");
    assertThatThrownBy(() -> Workflow.group())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one member");
  }
}
