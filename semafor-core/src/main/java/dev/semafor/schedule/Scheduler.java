package dev.semafor.schedule;

import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.ScheduleRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Schedule}s: each pass ({@link #tick()}) enqueues the job of every schedule whose tick
 * has come. Every worker may run the same schedules; the broker lets exactly one of them claim each
 * tick ({@link Broker#claimTick}), so each tick runs one job however many schedulers there are.
 *
 * <h2>A pass, per schedule</h2>
 *
 * <ol>
 *   <li>If the broker has never seen the schedule, it is stored with its latest past tick as
 *       handled: ticks before a schedule first existed do not run.
 *   <li>Otherwise the latest tick at or before now is due if it is after the stored last tick. If
 *       it is at most the schedule's grace old, its job is enqueued; if it is older (no scheduler
 *       ran in time), {@link MissedTicks#RUN_ONCE} still enqueues one job for it and {@link
 *       MissedTicks#SKIP} only records it. Either way the ticks between are not run one by one.
 * </ol>
 *
 * Time comes from the injected clock, so tests move a settable clock and call {@link #tick()}; the
 * worker calls it every second ({@link #start}).
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /** How often a worker's scheduler makes a pass. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private final Client client;
  private final InstantSource clock;
  private final List<Schedule> schedules = new CopyOnWriteArrayList<>();
  private volatile ScheduledExecutorService timer;

  /** A scheduler that enqueues through {@code client} (which checks tasks and inputs). */
  public Scheduler(Client client, InstantSource clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Adds a schedule. Its job is checked at once (task known to the client's registry, input
   * binding), so a mistake fails here and not at 3 a.m.
   *
   * @throws IllegalArgumentException if a schedule with that name was added already
   */
  public Scheduler add(Schedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    for (Schedule s : schedules) {
      if (s.name().equals(schedule.name())) {
        throw new IllegalArgumentException("schedule '" + schedule.name() + "' is already added");
      }
    }
    newJob(schedule, clock.instant());
    schedules.add(schedule);
    return this;
  }

  public List<Schedule> schedules() {
    return List.copyOf(schedules);
  }

  /** Makes one pass over every schedule; returns how many jobs this scheduler enqueued. */
  public int tick() {
    if (schedules.isEmpty()) {
      return 0;
    }
    Broker broker = client.broker();
    Instant now = clock.instant();
    Map<String, ScheduleRecord> stored = new HashMap<>();
    for (ScheduleRecord r : broker.schedules()) {
      stored.put(r.name(), r);
    }
    int enqueued = 0;
    for (Schedule s : schedules) {
      try {
        if (pass(broker, s, stored.get(s.name()), now)) {
          enqueued++;
        }
      } catch (RuntimeException e) {
        log.warn("schedule '{}': pass failed, will retry: {}", s.name(), e.toString());
      }
    }
    return enqueued;
  }

  /** Makes a pass every {@code every} on a daemon thread, until {@link #close()}. */
  public synchronized Scheduler start(Duration every) {
    if (timer != null) {
      throw new IllegalStateException("scheduler already started");
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("semafor-scheduler").daemon(true).factory());
    long ms = Math.max(1, every.toMillis());
    timer.scheduleWithFixedDelay(this::tickQuietly, 0, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (Throwable t) {
      log.warn("scheduler pass failed, will retry: {}", t.toString());
    }
  }

  /** One schedule's part of a pass; true if it enqueued a job. */
  private boolean pass(Broker broker, Schedule s, ScheduleRecord stored, Instant now) {
    Optional<Instant> latest = s.latestTick(now);
    if (stored == null || stored.lastTick() == null) {
      // First seen: ticks before now are not this schedule's to run. The mark is the moment of
      // registration, not the latest tick, so that no tick looks handled before one was.
      Instant mark = Schedule.registrationMark(s, now);
      broker.claimTick(record(s, mark), mark, null);
      return false;
    }
    if (latest.isEmpty() || !latest.get().isAfter(stored.lastTick())) {
      return false;
    }
    Instant tick = latest.get();
    boolean onTime = !Duration.between(tick, now).minus(s.grace()).isPositive();
    boolean run = onTime || s.missed() == MissedTicks.RUN_ONCE;
    if (!onTime) {
      log.info(
          "schedule '{}': tick {} was missed ({}); {}",
          s.name(),
          tick,
          Duration.between(tick, now),
          run ? "running it once" : "skipping it");
    }
    JobRecord job = run ? newJob(s, now) : null;
    return broker.claimTick(record(s, tick), tick, job) && run;
  }

  private JobRecord newJob(Schedule s, Instant now) {
    return client.newJob(s.task(), new Client.RawJson(s.inputJson()), s.options(), now);
  }

  private static ScheduleRecord record(Schedule s, Instant tick) {
    return new ScheduleRecord(
        s.name(),
        s.cron(),
        s.zone(),
        s.task(),
        s.options().queue(),
        tick,
        s.nextTick(tick).orElse(null));
  }
}
