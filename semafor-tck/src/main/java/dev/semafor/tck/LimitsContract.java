package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Concurrency and rate limits, enforced by {@link dev.semafor.spi.Broker#lease}: a key at its limit
 * holds its jobs back without holding up anyone else's, and frees its slot however a lease ends. A
 * rate start is given back only by a lease released unstarted.
 */
public abstract class LimitsContract extends JobControlFixture {

  private JobRecord limited(String key, int limit) {
    return job("limited").concurrencyKey(key).concurrencyLimit(limit).build();
  }

  private JobRecord rated(String key, int permits, Duration period) {
    return job("rated").rateKey(key).ratePermits(permits).ratePeriod(period).build();
  }

  @Test
  final void noMoreThanTheLimitRunAtOnce() {
    for (int i = 0; i < 5; i++) {
      enqueue(limited("tenant-42", 2));
    }
    List<Lease> first = lease(10);
    assertThat(first).hasSize(2);
    assertThat(lease("worker-2", 10)).as("the key is at its limit for every worker").isEmpty();

    succeed(first.get(0), "1");
    assertThat(lease("worker-2", 10)).hasSize(1);
    assertThat(broker.query(JobQuery.all().concurrencyKey("tenant-42").states(JobState.RUNNING)))
        .hasSize(2);
  }

  @Test
  final void aKeyAtItsLimitDoesNotHoldUpJobsBehindIt() {
    JobRecord a = enqueue(limited("k", 1));
    enqueue(limited("k", 1));
    enqueue(limited("k", 1));
    JobRecord free = enqueue(job("free").build());
    JobRecord other = enqueue(limited("other", 1));

    assertThat(ids(lease(10))).containsExactly(a.id(), free.id(), other.id());
  }

  @Test
  final void aBlockedJobKeepsItsPlaceInLine() {
    JobRecord first = enqueue(limited("k", 1));
    JobRecord second = enqueue(limited("k", 1));
    JobRecord third = enqueue(limited("k", 1));
    Lease running = lease(1).get(0);
    assertThat(running.job().id()).isEqualTo(first.id());
    assertThat(lease(10)).isEmpty();

    succeed(running, "null");
    assertThat(ids(lease(10))).containsExactly(second.id());
    assertThat(get(third.id()).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  final void everyWayALeaseEndsFreesItsSlot() {
    for (int i = 0; i < 4; i++) {
      enqueue(limited("k", 1));
    }
    Lease one = lease(10).get(0);
    broker.fail(Failure.retry(one.ref(), JobError.of("E", "x"), clock.instant().plusSeconds(3600)));
    Lease two = lease(10).get(0);
    broker.release(List.of(two.ref()));
    Lease three = lease(10).get(0);
    assertThat(three.job().id()).as("released: first in line again").isEqualTo(two.job().id());
    broker.fail(Failure.dead(three.ref(), JobError.of("E", "x")));
    assertThat(lease(10)).hasSize(1);

    clock.advance(LEASE.plusSeconds(1));
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertThat(lease(10)).as("the expired lease freed its slot").hasSize(1);
  }

  @Test
  final void theLimitCountsAcrossQueues() {
    enqueue(limited("shared", 1));
    enqueue(job("limited").queue("other").concurrencyKey("shared").concurrencyLimit(1).build());

    assertThat(lease(10)).hasSize(1);
    assertThat(broker.lease(new LeaseRequest(List.of("other"), 10, "w", LEASE))).isEmpty();
  }

  @Test
  final void atMostThePermitsStartPerPeriod() {
    for (int i = 0; i < 5; i++) {
      enqueue(rated("api", 2, Duration.ofSeconds(1)));
    }
    assertThat(lease(10)).hasSize(2);
    assertThat(lease("worker-2", 10)).as("counted across workers").isEmpty();

    clock.advance(Duration.ofMillis(999));
    assertThat(lease(10)).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(lease(10)).hasSize(2);
  }

  @Test
  final void theRateWindowSlides() {
    for (int i = 0; i < 4; i++) {
      enqueue(rated("api", 2, Duration.ofSeconds(1)));
    }
    assertThat(lease(1)).hasSize(1);
    clock.advance(Duration.ofMillis(500));
    assertThat(lease(10)).hasSize(1);

    clock.advance(Duration.ofMillis(500));
    assertThat(lease(10)).as("only the first start has aged out").hasSize(1);
    clock.advance(Duration.ofMillis(500));
    assertThat(lease(10)).hasSize(1);
  }

  @Test
  final void aLeaseReleasedUnstartedGivesItsRateStartBack() {
    JobRecord first = enqueue(rated("api", 1, Duration.ofMinutes(1)));
    JobRecord second = enqueue(rated("api", 1, Duration.ofMinutes(1)));
    Lease unstarted = lease(1).get(0);
    assertThat(unstarted.job().id()).isEqualTo(first.id());

    broker.release(List.of(unstarted.ref()));
    clock.advance(Duration.ofSeconds(1));
    assertThat(ids(lease(10)))
        .as("the released job never ran, so the permit is free within the same period")
        .containsExactly(first.id());
    assertThat(lease(10)).as("the new start counts").isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(ids(lease(10))).containsExactly(second.id());
  }

  @Test
  final void theGivenBackPermitGoesToTheNextJobWithTheKey() {
    JobRecord first = enqueue(rated("api", 1, Duration.ofMinutes(1)));
    Lease unstarted = lease(1).get(0);
    broker.release(List.of(unstarted.ref()));
    broker.cancel(first.id());

    JobRecord next = enqueue(rated("api", 1, Duration.ofMinutes(1)));
    assertThat(ids(lease(10))).containsExactly(next.id());
  }

  @Test
  final void releasingOneOfTwoStartsOfOneInstantGivesBackOne() {
    JobRecord a = enqueue(rated("api", 2, Duration.ofMinutes(1)));
    JobRecord b = enqueue(rated("api", 2, Duration.ofMinutes(1)));
    JobRecord c = enqueue(rated("api", 2, Duration.ofMinutes(1)));
    List<Lease> both = lease(10);
    assertThat(ids(both)).containsExactly(a.id(), b.id());

    broker.release(List.of(both.get(0).ref(), both.get(0).ref()));
    assertThat(ids(lease(10))).as("one start given back, once").containsExactly(a.id());
    assertThat(get(c.id()).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  final void aStaleReleaseGivesNoStartBack() {
    enqueue(rated("api", 1, Duration.ofMinutes(1)));
    enqueue(rated("api", 1, Duration.ofMinutes(1)));
    Lease done = lease(1).get(0);
    succeed(done, "null");

    broker.release(List.of(done.ref()));
    assertThat(lease(10)).as("the job ran: its start stays counted").isEmpty();
  }

  @Test
  final void aRateLimitedJobKeepsItsPlaceAndOthersPassIt() {
    JobRecord r1 = enqueue(rated("r", 1, Duration.ofMinutes(1)));
    JobRecord r2 = enqueue(rated("r", 1, Duration.ofMinutes(1)));
    JobRecord other = enqueue(job("other").build());
    JobRecord r3 = enqueue(rated("r", 1, Duration.ofMinutes(1)));

    assertThat(ids(lease(10))).containsExactly(r1.id(), other.id());
    clock.advance(Duration.ofMinutes(1));
    assertThat(ids(lease(10))).containsExactly(r2.id());
    clock.advance(Duration.ofMinutes(1));
    assertThat(ids(lease(10))).containsExactly(r3.id());
  }

  @Test
  final void getAndLeaseKeepEveryJobControlField() {
    JobRecord given =
        job("controlled")
            .concurrencyKey("c")
            .concurrencyLimit(3)
            .rateKey("r")
            .ratePermits(7)
            .ratePeriod(Duration.ofSeconds(9))
            .uniqueKey("u")
            .uniquePolicy(dev.semafor.UniquePolicy.REPLACE)
            .next("[{\"id\":\"X\",\"task\":\"t\",\"queue\":\"q\"}]")
            .build();
    enqueue(given);
    JobRecord plain = enqueue(job("plain").build());

    for (JobRecord r : List.of(get(given.id()), lease(1).get(0).job())) {
      assertThat(r.concurrencyKey()).isEqualTo("c");
      assertThat(r.concurrencyLimit()).isEqualTo(3);
      assertThat(r.rateKey()).isEqualTo("r");
      assertThat(r.ratePermits()).isEqualTo(7);
      assertThat(r.ratePeriod()).isEqualTo(Duration.ofSeconds(9));
      assertThat(r.uniqueKey()).isEqualTo("u");
      assertThat(r.uniquePolicy()).isEqualTo(dev.semafor.UniquePolicy.REPLACE);
      assertThat(r.next()).isEqualTo(given.next());
    }
    JobRecord leasedPlain = lease(1).get(0).job();
    assertThat(leasedPlain.id()).isEqualTo(plain.id());
    assertThat(leasedPlain.rateKey()).isNull();
    assertThat(leasedPlain.next()).isNull();
    assertThat(leasedPlain.groupId()).isNull();
  }

  @Test
  final void concurrencyAndRateLimitsBothHold() {
    for (int i = 0; i < 3; i++) {
      enqueue(
          job("both")
              .concurrencyKey("c")
              .concurrencyLimit(2)
              .rateKey("r")
              .ratePermits(1)
              .ratePeriod(Duration.ofSeconds(10))
              .build());
    }
    List<Lease> first = lease(10);
    assertThat(first).as("the rate allows one").hasSize(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(lease(10)).hasSize(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(lease(10)).as("two are running: the concurrency limit holds").isEmpty();
    succeed(first.get(0), "null");
    assertThat(lease(10)).hasSize(1);
  }
}
