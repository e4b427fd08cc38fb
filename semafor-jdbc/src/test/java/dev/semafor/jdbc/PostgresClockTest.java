package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.jdbc.testing.PostgresTestServer;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.tck.TestJobs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hosts whose clocks disagree share one PostgreSQL broker: what workers compare (lease expiry) is
 * read from the server's clock, so a host whose clock runs 30 s fast cannot take a live lease; and
 * a job its producer enqueues for now runs now, however fast the producer's clock.
 */
class PostgresClockTest {
  @RegisterExtension
  static final PostgresSchemas schemas = new PostgresSchemas(PostgresClockTest.class);

  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final Duration LEASE = Duration.ofSeconds(10);

  @Test
  void aHostWhoseClockRuns30SecondsFastCannotTakeALiveLease() throws Exception {
    String url = schemas.newUrl("pool=2");
    Clock fastClock = Clock.offset(Clock.systemUTC(), SKEW);
    try (Broker slow = Brokers.open(url, Clock.systemUTC());
        Broker fast = Brokers.open(url, fastClock)) {
      JobRecord job = TestJobs.queued("held").build(Clock.systemUTC());
      slow.enqueue(List.of(job));
      Lease lease = slow.lease(new LeaseRequest(List.of("default"), 1, "slow", LEASE)).get(0);

      assertThat(fast.reapExpiredLeases()).as("leases the fast host reaps").isZero();
      assertThat(fast.lease(new LeaseRequest(List.of("default"), 1, "fast", LEASE))).isEmpty();
      assertThat(fast.get(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
      assertThat(slow.heartbeat(List.of(lease.ref()), LEASE)).containsExactly(LeaseStatus.ACTIVE);
    }
  }

  @Test
  void leaseExpiryIsTheServersTimePlusTheLeaseWhateverTheHostsClock() throws Exception {
    String url = schemas.newUrl("pool=1");
    try (Broker fast = Brokers.open(url, Clock.offset(Clock.systemUTC(), SKEW))) {
      fast.enqueue(List.of(TestJobs.queued("held").build(Clock.systemUTC())));
      Instant before = serverNow();
      Lease lease = fast.lease(new LeaseRequest(List.of("default"), 1, "fast", LEASE)).get(0);
      Instant after = serverNow();

      assertThat(lease.expiresAt())
          .isBetween(before.plus(LEASE).minusSeconds(1), after.plus(LEASE).plusSeconds(1));
    }
  }

  @Test
  void aJobForNowFromAProducerWhoseClockRunsFastIsQueuedAndLeasedAtOnce() throws Exception {
    String url = schemas.newUrl("pool=1");
    try (Broker broker = Brokers.open(url)) {
      JobRecord job = TestJobs.queued("now").build(Clock.offset(Clock.systemUTC(), SKEW));

      JobRecord stored = broker.enqueue(List.of(job)).get(0);

      assertThat(stored.state()).isEqualTo(JobState.QUEUED);
      assertThat(stored.runAt()).isBefore(serverNow().plusSeconds(1));
      assertThat(broker.lease(new LeaseRequest(List.of("default"), 1, "w", LEASE)))
          .extracting(l -> l.job().id())
          .containsExactly(job.id());
    }
  }

  private static Instant serverNow() throws Exception {
    try (Connection c = PostgresTestServer.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT")) {
      rs.next();
      return Instant.ofEpochMilli(rs.getLong(1));
    }
  }
}
