package dev.semafor.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.client.Client;
import dev.semafor.spi.ScheduleRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A periodic job: every time a cron expression fires in a time zone, one job of {@code task} with
 * {@code input} is enqueued — exactly one, however many workers run the schedule ({@link
 * Scheduler}).
 *
 * <pre>{@code
 * worker.schedule(
 *     Schedule.cron("nightly-report", "0 3 * * *", ZoneId.of("Europe/Sofia"), "reports.render", Map.of())
 *         .onMissed(MissedTicks.RUN_ONCE));
 * }</pre>
 *
 * <p>Cron expressions have the five Unix fields (minute, hour, day of month, month, day of week)
 * and are parsed by cron-utils. A tick is missed when no worker claimed it within {@link #grace()}
 * (default one minute); {@link MissedTicks} says what happens then. Immutable.
 */
public final class Schedule {
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String name;
  private final String cron;
  private final ZoneId zone;
  private final String task;
  private final String inputJson;
  private final JobOptions options;
  private final MissedTicks missed;
  private final Duration grace;
  private final ExecutionTime times;

  private Schedule(
      String name,
      String cron,
      ZoneId zone,
      String task,
      String inputJson,
      JobOptions options,
      MissedTicks missed,
      Duration grace,
      ExecutionTime times) {
    this.name = name;
    this.cron = cron;
    this.zone = zone;
    this.task = task;
    this.inputJson = inputJson;
    this.options = options;
    this.missed = missed;
    this.grace = grace;
    this.times = times;
  }

  /**
   * A schedule named {@code name} (unique among schedules: it is how workers agree on ticks) that
   * enqueues {@code task} with {@code input} (any Jackson-writable value, or a {@link
   * Client.RawJson}) whenever {@code cron} fires in {@code zone}.
   *
   * @throws IllegalArgumentException if the expression is not a valid five-field cron expression
   */
  public static Schedule cron(String name, String cron, ZoneId zone, String task, Object input) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("schedule name must not be blank");
    }
    if (task == null || task.isBlank()) {
      throw new IllegalArgumentException("schedule '" + name + "' needs a task");
    }
    Objects.requireNonNull(zone, "zone");
    Cron parsed;
    try {
      parsed = PARSER.parse(Objects.requireNonNull(cron, "cron"));
      parsed.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "schedule '" + name + "': bad cron expression '" + cron + "': " + e.getMessage(), e);
    }
    String json =
        input instanceof Client.RawJson raw
            ? Json.defaults().normalize(raw.text())
            : Json.defaults().write(input);
    return new Schedule(
        name,
        cron.trim(),
        zone,
        task,
        json,
        JobOptions.defaults(),
        MissedTicks.SKIP,
        DEFAULT_GRACE,
        ExecutionTime.forCron(parsed));
  }

  /** The options of each job this schedule enqueues (queue, priority, limits...). */
  public Schedule options(JobOptions jobOptions) {
    return new Schedule(
        name,
        cron,
        zone,
        task,
        inputJson,
        Objects.requireNonNull(jobOptions, "options"),
        missed,
        grace,
        times);
  }

  /** What to do about missed ticks (default {@link MissedTicks#SKIP}). */
  public Schedule onMissed(MissedTicks policy) {
    return new Schedule(
        name,
        cron,
        zone,
        task,
        inputJson,
        options,
        Objects.requireNonNull(policy, "policy"),
        grace,
        times);
  }

  /** How late a tick may still be claimed as on time (default one minute). */
  public Schedule grace(Duration late) {
    if (late == null || late.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + late);
    }
    return new Schedule(name, cron, zone, task, inputJson, options, missed, late, times);
  }

  public String name() {
    return name;
  }

  public String cron() {
    return cron;
  }

  public ZoneId zone() {
    return zone;
  }

  public String task() {
    return task;
  }

  public String inputJson() {
    return inputJson;
  }

  public JobOptions options() {
    return options;
  }

  public MissedTicks missed() {
    return missed;
  }

  public Duration grace() {
    return grace;
  }

  /** The latest tick at or before {@code t}, if the expression ever fired before. */
  public Optional<Instant> latestTick(Instant t) {
    return times.lastExecution(at(t.plusNanos(1))).map(ZonedDateTime::toInstant);
  }

  /** The first tick strictly after {@code t}, if the expression fires again. */
  public Optional<Instant> nextTick(Instant t) {
    return times.nextExecution(at(t)).map(ZonedDateTime::toInstant);
  }

  /**
   * The instant a schedule first seen at {@code now} is marked with in its {@link
   * ScheduleRecord#lastTick()}: {@code now} to the millisecond (every broker keeps that much), or a
   * millisecond before if that is itself a tick, so that the mark is never one of its ticks and
   * {@link #lastHandledTick} can tell it from a tick that was handled.
   */
  static Instant registrationMark(Schedule s, Instant now) {
    Instant mark = now.truncatedTo(ChronoUnit.MILLIS);
    return s.isTick(mark) ? mark.minusMillis(1) : mark;
  }

  /**
   * The latest tick of {@code r} that was handled (a job was enqueued for it, or it was skipped as
   * missed), or empty while none has been: what dashboards show as the last tick, rather than the
   * mark its registration left ({@link #registrationMark}).
   */
  public static Optional<Instant> lastHandledTick(ScheduleRecord r) {
    if (r.lastTick() == null) {
      return Optional.empty();
    }
    Schedule s;
    try {
      s = cron(r.name(), r.cron(), r.zone(), r.task(), null);
    } catch (IllegalArgumentException e) {
      return Optional.of(r.lastTick()); // an expression this version cannot read: as stored
    }
    return s.isTick(r.lastTick()) ? Optional.of(r.lastTick()) : Optional.empty();
  }

  private boolean isTick(Instant t) {
    return latestTick(t).filter(t::equals).isPresent();
  }

  private ZonedDateTime at(Instant t) {
    return ZonedDateTime.ofInstant(t, zone);
  }

  @Override
  public String toString() {
    return "Schedule[" + name + ": '" + cron + "' " + zone + " -> " + task + "]";
  }
}
