package dev.semafor.server;

import java.time.Instant;
import java.util.List;

/**
 * Where the dashboard reads recurring schedules from. Until cron schedules exist in the core the
 * server uses {@link #none()}, and {@code GET /api/v1/schedules} answers an empty list.
 */
@FunctionalInterface
public interface ScheduleSource {
  /** The schedules to show, in display order. */
  List<Schedule> schedules();

  /** No schedules. */
  static ScheduleSource none() {
    return List::of;
  }

  /**
   * One recurring schedule: it enqueues {@code task} on {@code queue} whenever {@code cron} fires.
   * {@code lastRunAt} is null until it first fires.
   */
  record Schedule(
      String name, String cron, String task, String queue, Instant nextRunAt, Instant lastRunAt) {}
}
