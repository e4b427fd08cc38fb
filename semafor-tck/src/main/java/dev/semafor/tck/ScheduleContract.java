package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.ScheduleRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Schedule ticks ({@link dev.semafor.spi.Broker#claimTick}): each tick is claimed once, with its
 * job, however many claim it; the last tick only moves forward.
 */
public abstract class ScheduleContract extends JobControlFixture {
  private static final ZoneId ZONE = ZoneId.of("Europe/Sofia");

  private static ScheduleRecord schedule(String name, Instant next) {
    return new ScheduleRecord(name, "* * * * *", ZONE, "tick", "cron", null, next);
  }

  private long tickJobs() {
    return broker.query(JobQuery.all().task("tick")).size();
  }

  @Test
  final void eachTickIsClaimedOnceWithItsJob() {
    Instant t1 = START.plusSeconds(60);
    JobRecord first = job("tick").build();
    JobRecord second = job("tick").build();

    assertThat(broker.claimTick(schedule("s", t1.plusSeconds(60)), t1, first)).isTrue();
    assertThat(broker.claimTick(schedule("s", t1.plusSeconds(60)), t1, second)).isFalse();
    assertThat(broker.get(second.id())).as("a lost claim stores nothing").isEmpty();
    assertThat(get(first.id()).task()).isEqualTo("tick");
    assertThat(tickJobs()).isEqualTo(1);
  }

  @Test
  final void theLastTickOnlyMovesForward() {
    Instant t1 = START.plusSeconds(60);
    Instant t2 = START.plusSeconds(120);
    assertThat(broker.claimTick(schedule("s", t2), t2, job("tick").build())).isTrue();
    assertThat(broker.claimTick(schedule("s", t2), t1, job("tick").build())).isFalse();
    assertThat(broker.claimTick(schedule("s", t2.plusSeconds(60)), t2.plusSeconds(60), null))
        .isTrue();
    assertThat(tickJobs()).isEqualTo(1);
    assertThat(broker.schedules().get(0).lastTick()).isEqualTo(t2.plusSeconds(60));
  }

  @Test
  final void schedulesAreListedByNameWithTheirTicks() {
    Instant t1 = START.plusSeconds(60);
    broker.claimTick(schedule("nightly", t1.plusSeconds(60)), t1, null);
    broker.claimTick(schedule("hourly", t1.plusSeconds(3600)), t1, job("tick").build());

    List<ScheduleRecord> all = broker.schedules();
    assertThat(all).extracting(ScheduleRecord::name).containsExactly("hourly", "nightly");
    ScheduleRecord nightly = all.get(1);
    assertThat(nightly.cron()).isEqualTo("* * * * *");
    assertThat(nightly.zone()).isEqualTo(ZONE);
    assertThat(nightly.task()).isEqualTo("tick");
    assertThat(nightly.queue()).isEqualTo("cron");
    assertThat(nightly.lastTick()).isEqualTo(t1);
    assertThat(nightly.nextTick()).isEqualTo(t1.plusSeconds(60));
  }

  @Test
  final void schedulesDoNotShareTicks() {
    Instant t1 = START.plusSeconds(60);
    assertThat(broker.claimTick(schedule("a", t1), t1, job("tick").build())).isTrue();
    assertThat(broker.claimTick(schedule("b", t1), t1, job("tick").build())).isTrue();
    assertThat(tickJobs()).isEqualTo(2);
  }

  @Test
  final void manyClaimersRacingForOneTickEnqueueOneJob() throws Exception {
    int claimers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    try {
      for (int round = 1; round <= 20; round++) {
        Instant tick = START.plus(Duration.ofMinutes(round));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
          JobRecord job = job("tick").build();
          claims.add(
              pool.submit(
                  () -> {
                    go.await();
                    return broker.claimTick(schedule("race", tick.plusSeconds(60)), tick, job);
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : claims) {
          won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(won).as("round " + round).isEqualTo(1);
        assertThat(tickJobs()).isEqualTo(round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
