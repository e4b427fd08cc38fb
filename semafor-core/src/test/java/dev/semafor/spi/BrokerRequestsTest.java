package dev.semafor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value types a broker is called with check themselves. */
class BrokerRequestsTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @Test
  void aLeaseRequestNeedsAQueueAPositiveMaxAndAPositiveDuration() {
    assertThatThrownBy(() -> new LeaseRequest(List.of(), 1, "w", LEASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one queue");
    assertThatThrownBy(() -> new LeaseRequest(List.of("q"), 0, "w", LEASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be at least 1: 0");
    assertThatThrownBy(() -> new LeaseRequest(List.of("q"), 1, "w", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease duration must be positive");
  }

  @Test
  void aLeaseRequestKeepsItsOwnCopyOfTheQueues() {
    List<String> queues = new java.util.ArrayList<>(List.of("a"));
    LeaseRequest request = new LeaseRequest(queues, 1, "w", LEASE);
    queues.add("b");

    assertThat(request.queues()).containsExactly("a");
  }

  @Test
  void aQueryPagesWithinBounds() {
    assertThatThrownBy(() -> JobQuery.all().page(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be in 1..");
    assertThatThrownBy(() -> JobQuery.all().page(JobQuery.MAX_LIMIT + 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobQuery.all().page(10, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset must not be negative: -1");
  }

  @Test
  void aQueryWithNoStatesMatchesEveryState() {
    assertThat(JobQuery.all().states(new JobState[0]).states()).isEmpty();
    assertThat(new JobQuery(null, null, null, null, null, 1, 0).states()).isEmpty();
  }

  @Test
  void queueStatsFillInEveryStateAndSumThem() {
    QueueStats stats = new QueueStats("q", Map.of(JobState.QUEUED, 3L, JobState.DEAD, 2L));

    assertThat(stats.counts()).hasSize(JobState.values().length);
    assertThat(stats.count(JobState.RUNNING)).isZero();
    assertThat(stats.count(JobState.QUEUED)).isEqualTo(3);
    assertThat(stats.total()).isEqualTo(5);
  }
}
