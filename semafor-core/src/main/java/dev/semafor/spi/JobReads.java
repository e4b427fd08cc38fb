package dev.semafor.spi;

import java.util.List;
import java.util.Optional;

/**
 * Queries: what status, the dashboard and the HTTP API read. Reads change nothing and may be served
 * from a snapshot as long as each answer is consistent in itself. Query time ranges are half-open,
 * {@code [from, to)}; an empty broker has no stats.
 */
public interface JobReads {

  Optional<JobRecord> get(String jobId);

  /** Jobs matching the query, newest first. */
  List<JobRecord> query(JobQuery query);

  /**
   * Counts per queue and state, queues sorted by name; each also counts its {@code RUNNING} jobs
   * that are leased but not started ({@link QueueStats#leased()}) and says whether the queue is
   * {@linkplain QueueStats#paused() paused}. Every queue that holds jobs is listed, and every
   * paused one, with zero counts if it holds none ({@link QueueStats#withPaused}).
   */
  List<QueueStats> stats();

  /** A job's log lines, oldest first; empty if it has none or there is no such job. */
  List<LogLine> logs(String jobId);

  /** The schedules claimed so far, sorted by name. */
  List<ScheduleRecord> schedules();

  /** The paused queues, sorted by name. */
  List<String> pausedQueues();

  /**
   * How many jobs wait ({@code QUEUED}) per queue and task, sorted by queue then task; pairs with
   * none are left out. Status and the dashboard compare it with the tasks of live workers ({@link
   * WorkerInfo#tasks()}) to show jobs no live worker can run. An operator's read, not on a hot
   * path.
   */
  List<TaskCount> queuedTasks();
}
