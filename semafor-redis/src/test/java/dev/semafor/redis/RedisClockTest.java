package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.tck.TestJobs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis broker reads time from the server ({@code TIME} in its scripts): a job its producer
 * enqueues for now runs now, however fast the producer's clock (as on PostgreSQL, {@code
 * PostgresClockTest}).
 */
class RedisClockTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("clock");

  private static final Duration SKEW = Duration.ofSeconds(30);

  @Test
  void aJobForNowFromAProducerWhoseClockRunsFastIsQueuedAndLeasedAtOnce() {
    try (Broker broker = Brokers.open(redis.nextUrl())) {
      JobRecord job = TestJobs.queued("now").build(Clock.offset(Clock.systemUTC(), SKEW));

      JobRecord stored = broker.enqueue(List.of(job)).get(0);

      assertThat(stored.state()).isEqualTo(JobState.QUEUED);
      assertThat(broker.lease(new LeaseRequest(List.of("default"), 1, "w", Duration.ofSeconds(10))))
          .extracting(l -> l.job().id())
          .containsExactly(job.id());
    }
  }

  @Test
  void aDelayedJobStillWaitsForItsRunAt() {
    try (Broker broker = Brokers.open(redis.nextUrl())) {
      Clock now = Clock.systemUTC();
      JobRecord job = TestJobs.scheduled("later", now.instant().plus(SKEW)).build(now);

      assertThat(broker.enqueue(List.of(job)).get(0).state()).isEqualTo(JobState.SCHEDULED);
      assertThat(broker.lease(new LeaseRequest(List.of("default"), 1, "w", Duration.ofSeconds(10))))
          .isEmpty();
    }
  }
}
