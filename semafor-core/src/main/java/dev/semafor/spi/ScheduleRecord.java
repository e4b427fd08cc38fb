package dev.semafor.spi;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a broker keeps about one periodic schedule: its definition (for dashboards: the cron
 * expression, its zone, and the task and queue of its jobs), the latest tick that was handled
 * ({@code lastTick}: a job was enqueued for it, or it was skipped) and the next one due. {@link
 * Broker#claimTick} moves {@code lastTick} forward, never back.
 */
public record ScheduleRecord(
    String name,
    String cron,
    ZoneId zone,
    String task,
    String queue,
    @Nullable Instant lastTick,
    @Nullable Instant nextTick) {
  public ScheduleRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(queue, "queue");
  }

  public ScheduleRecord withTicks(@Nullable Instant last, @Nullable Instant next) {
    return new ScheduleRecord(name, cron, zone, task, queue, last, next);
  }
}
