package dev.semafor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.TestClock;
import dev.semafor.UnknownTaskException;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.ScheduleRecord;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final Instant START = Instant.parse("2030-01-01T00:00:30Z");

  private final TestClock clock = new TestClock(START);
  private final MemoryBroker broker = new MemoryBroker(clock);
  private final TaskRegistry registry = TaskRegistry.withBuiltins();

  private Scheduler scheduler() {
    return new Scheduler(new Client(broker, registry, dev.semafor.Json.defaults(), clock), clock);
  }

  private List<JobRecord> jobs() {
    return broker.query(JobQuery.all().task("semafor.echo").page(10_000, 0));
  }

  private static Schedule everyMinute() {
    return Schedule.cron("minutely", "* * * * *", UTC, "semafor.echo", Map.of("hello", "cron"));
  }

  @Test
  void aBadCronExpressionIsRefusedWithItsReason() {
    assertThatThrownBy(() -> Schedule.cron("s", "61 * * * *", UTC, "t", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schedule 's'")
        .hasMessageContaining("61");
    assertThatThrownBy(() -> Schedule.cron("s", "every day", UTC, "t", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad cron expression");
  }

  @Test
  void anUnknownTaskIsRefusedWhenTheScheduleIsAdded() {
    assertThatThrownBy(
            () -> scheduler().add(Schedule.cron("s", "* * * * *", UTC, "no.such.task", null)))
        .isInstanceOf(UnknownTaskException.class);
  }

  @Test
  void ticksAreComputedInTheSchedulesZone() {
    Schedule nightly =
        Schedule.cron("n", "0 3 * * *", ZoneId.of("Europe/Sofia"), "semafor.echo", null);
    Instant t = Instant.parse("2030-06-01T12:00:00Z");
    assertThat(nightly.nextTick(t)).contains(Instant.parse("2030-06-02T00:00:00Z"));
    assertThat(nightly.latestTick(Instant.parse("2030-06-02T00:00:00Z")))
        .contains(Instant.parse("2030-06-02T00:00:00Z"));
  }

  @Test
  void theFirstPassRegistersWithoutRunningPastTicks() {
    Scheduler s = scheduler().add(everyMinute());
    assertThat(s.tick()).isZero();

    ScheduleRecord stored = broker.schedules().get(0);
    assertThat(stored.name()).isEqualTo("minutely");
    assertThat(stored.lastTick()).as("the registration mark").isEqualTo(START);
    assertThat(stored.nextTick()).isEqualTo(Instant.parse("2030-01-01T00:01:00Z"));
    assertThat(jobs()).isEmpty();
  }

  @Test
  void aScheduleShowsNoLastTickUntilOneWasHandled() {
    // made at 12:34:05 with a nightly cron: the 03:00 before it never ran here
    clock.set(Instant.parse("2030-01-01T12:34:05.123456Z"));
    Scheduler s = scheduler().add(Schedule.cron("nightly", "0 3 * * *", UTC, "semafor.echo", null));
    s.tick();
    assertThat(Schedule.lastHandledTick(broker.schedules().get(0))).isEmpty();
    assertThat(broker.schedules().get(0).nextTick())
        .isEqualTo(Instant.parse("2030-01-02T03:00:00Z"));

    clock.set(Instant.parse("2030-01-02T03:00:01Z"));
    assertThat(s.tick()).isEqualTo(1);
    assertThat(Schedule.lastHandledTick(broker.schedules().get(0)))
        .contains(Instant.parse("2030-01-02T03:00:00Z"));
  }

  @Test
  void aScheduleMadeExactlyOnATickIsMarkedBesideIt() {
    clock.set(Instant.parse("2030-01-01T00:05:00Z"));
    Scheduler s = scheduler().add(everyMinute());
    s.tick();

    ScheduleRecord stored = broker.schedules().get(0);
    assertThat(stored.lastTick()).isEqualTo(Instant.parse("2030-01-01T00:04:59.999Z"));
    assertThat(Schedule.lastHandledTick(stored)).isEmpty();
  }

  @Test
  void eachTickEnqueuesOneJobWithTheSchedulesInputAndOptions() {
    Scheduler s =
        scheduler().add(everyMinute().options(JobOptions.defaults().queue("cron").priority(4)));
    s.tick();
    clock.set(Instant.parse("2030-01-01T00:01:00Z"));
    assertThat(s.tick()).isEqualTo(1);
    assertThat(s.tick()).as("the same tick again").isZero();
    clock.advance(Duration.ofSeconds(59));
    assertThat(s.tick()).isZero();

    JobRecord job = broker.query(JobQuery.all()).get(0);
    assertThat(job.input()).isEqualTo("{\"hello\":\"cron\"}");
    assertThat(job.queue()).isEqualTo("cron");
    assertThat(job.priority()).isEqualTo(4);
    assertThat(broker.schedules().get(0).lastTick())
        .isEqualTo(Instant.parse("2030-01-01T00:01:00Z"));
  }

  @Test
  void missedTicksAreSkippedByDefault() {
    Scheduler s = scheduler().add(Schedule.cron("hourly", "0 * * * *", UTC, "semafor.echo", 1));
    s.tick();
    clock.set(Instant.parse("2030-01-01T01:00:30Z")); // the latest tick is 30 s old
    assertThat(s.tick()).as("within the grace: the latest tick runs").isEqualTo(1);

    clock.set(Instant.parse("2030-01-01T03:01:01Z")); // two ticks missed, the latest 61 s ago
    assertThat(s.tick()).isZero();
    assertThat(broker.schedules().get(0).lastTick())
        .as("the missed tick is recorded as handled")
        .isEqualTo(Instant.parse("2030-01-01T03:00:00Z"));
    clock.set(Instant.parse("2030-01-01T04:00:00Z"));
    assertThat(s.tick()).as("on time again").isEqualTo(1);
    assertThat(jobs()).hasSize(2);
  }

  @Test
  void missedTicksRunOnceWhenAskedTo() {
    Scheduler s =
        scheduler().add(everyMinute().onMissed(MissedTicks.RUN_ONCE).grace(Duration.ZERO));
    s.tick();
    clock.set(Instant.parse("2030-01-02T00:00:30Z")); // a day of ticks missed
    assertThat(s.tick()).isEqualTo(1);
    assertThat(s.tick()).isZero();
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void threeWorkersAcross100TicksEnqueueExactly100Jobs() throws Exception {
    List<Worker> workers = new ArrayList<>();
    ExecutorService racers = Executors.newFixedThreadPool(3);
    try {
      for (int i = 0; i < 3; i++) {
        WorkerConfig config =
            WorkerConfig.builder()
                .model(ExecutionModel.THREADS)
                .concurrency(2)
                .workerId("cron-" + i)
                .pollInterval(Duration.ofMillis(10))
                .build();
        Worker w =
            new Worker(
                broker,
                registry,
                config,
                dev.semafor.Json.defaults(),
                clock,
                dev.semafor.worker.WorkerListener.NONE);
        workers.add(w.schedule(everyMinute()).start());
      }
      for (Worker w : workers) {
        w.scheduler().tick();
      }
      Instant tick = Instant.parse("2030-01-01T00:01:00Z");
      for (int i = 0; i < 100; i++) {
        clock.set(tick.plus(Duration.ofMinutes(i)));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> passes = new ArrayList<>();
        for (Worker w : workers) {
          passes.add(
              racers.submit(
                  () -> {
                    go.await();
                    return w.scheduler().tick();
                  }));
        }
        go.countDown();
        for (Future<Integer> f : passes) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertThat(jobs()).as("after tick " + (i + 1)).hasSize(i + 1);
      }
      assertThat(jobs()).hasSize(100);
    } finally {
      racers.shutdownNow();
      workers.forEach(Worker::close);
    }
  }
}
