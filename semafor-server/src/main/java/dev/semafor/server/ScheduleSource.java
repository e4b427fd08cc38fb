package dev.semafor.server;

import dev.semafor.spi.JobReads;
import dev.semafor.spi.ScheduleRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the dashboard reads recurring schedules from: by default the broker's ({@link
 * #of(JobReads)}), which lists every schedule a worker has claimed a tick of.
 */
@FunctionalInterface
public interface ScheduleSource {
  /** The schedules to show, in display order. */
  List<Schedule> schedules();

  /** The schedules the broker knows ({@link JobReads#schedules()}), by name. */
  static ScheduleSource of(JobReads broker) {
    return () -> {
      List<Schedule> out = new ArrayList<>();
      for (ScheduleRecord r : broker.schedules()) {
        out.add(Schedule.of(r));
      }
      return out;
    };
  }

  /** No schedules. */
  static ScheduleSource none() {
    return List::of;
  }

  /**
   * One recurring schedule: it enqueues {@code task} on {@code queue} whenever {@code cron} fires.
   * {@code zone} is the time zone the cron is read in; {@code lastRunAt} is the latest tick handled
   * (null if none). Both {@code GET /api/v1/schedules} and {@code semafor schedules --json} show
   * schedules this way.
   */
  record Schedule(
      String name,
      String cron,
      String zone,
      String task,
      String queue,
      Instant nextRunAt,
      Instant lastRunAt) {
    /** A broker's schedule as shown. */
    public static Schedule of(ScheduleRecord r) {
      return new Schedule(
          r.name(),
          r.cron(),
          r.zone().getId(),
          r.task(),
          r.queue(),
          r.nextTick(),
          dev.semafor.schedule.Schedule.lastHandledTick(r).orElse(null));
    }
  }
}
