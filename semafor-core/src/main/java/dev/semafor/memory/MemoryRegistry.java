package dev.semafor.memory;

import dev.semafor.spi.JobRecord;
import dev.semafor.spi.ScheduleRecord;
import dev.semafor.spi.WorkerInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The memory broker's worker registry and the ticks its schedules have claimed. The registry is a
 * concurrent map and needs no lock; the schedules are guarded by the broker's lock, which makes
 * {@link #claimTick} a compare-and-set that stores the tick's job with it.
 */
final class MemoryRegistry {
  private final MemoryJobs jobs;

  /** Schedules by name. Guarded by the broker's lock. */
  private final Map<String, ScheduleRecord> schedules = new TreeMap<>();

  /** The worker registry by id. */
  private final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();

  MemoryRegistry(MemoryJobs jobs) {
    this.jobs = jobs;
  }

  /** See {@link Broker#claimTick}; under the broker's lock. */
  boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job, Instant now) {
    ScheduleRecord stored = schedules.get(schedule.name());
    if (stored != null && stored.lastTick() != null && !stored.lastTick().isBefore(tick)) {
      return false;
    }
    if (job != null) {
      jobs.checkNew(List.of(job));
    }
    schedules.put(schedule.name(), schedule.withTicks(tick, schedule.nextTick()));
    if (job != null) {
      jobs.insert(job, now);
    }
    return true;
  }

  /** Under the broker's lock. */
  List<ScheduleRecord> schedules() {
    return List.copyOf(schedules.values());
  }

  void register(WorkerInfo info, Instant now) {
    workers.put(info.id(), info.heartbeat(now, info.inFlight()));
  }

  void heartbeat(String workerId, int inFlight, Instant now) {
    workers.computeIfPresent(workerId, (id, info) -> info.heartbeat(now, inFlight));
  }

  List<WorkerInfo> workers() {
    return List.copyOf(new TreeMap<>(workers).values());
  }

  void unregister(String workerId) {
    workers.remove(workerId);
  }
}
