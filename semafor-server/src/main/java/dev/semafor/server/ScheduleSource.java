package dev.semafor.server;

import dev.semafor.broker.Broker;
import dev.semafor.broker.ScheduleRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the dashboard reads recurring schedules from: by default the broker's ({@link
 * #of(Broker)}), which lists every schedule a worker has claimed a tick of.
 */
@FunctionalInterface
public interface ScheduleSource {
  /** The schedules to show, in display order. */
  List<Schedule> schedules();

  /** The schedules the broker knows ({@link Broker#schedules()}), by name. */
  static ScheduleSource of(Broker broker) {
    return () -> {
      List<Schedule> out = new ArrayList<>();
      for (ScheduleRecord r : broker.schedules()) {
        out.add(new Schedule(r.name(), r.cron(), r.task(), r.queue(), r.nextTick(), r.lastTick()));
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
   * {@code lastRunAt} is the latest tick handled (null if none).
   */
  record Schedule(
      String name, String cron, String task, String queue, Instant nextRunAt, Instant lastRunAt) {}
}
