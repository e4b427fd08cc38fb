package dev.semafor.cli;

import dev.semafor.worker.Assignment;
import dev.semafor.worker.Fate;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WorkerListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the demo's worker: which thread ran each job and for how long (measured by the worker
 * around the task itself, so time spent waiting in the local queue is not counted), and how many
 * attempts have ended, for the progress bar. Called on pool threads.
 */
final class DemoListener implements WorkerListener {
  /** Where and how long one job ran. */
  record Run(String thread, long nanos) {}

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final int jobs;
  private volatile long allEndedAt;

  /** Watches a run of {@code jobs} jobs. */
  DemoListener(int jobs) {
    this.jobs = jobs;
  }

  @Override
  public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
    runs.put(assignment.jobId(), new Run(Thread.currentThread().getName(), runNanos));
    finished.incrementAndGet();
  }

  /** Counts the attempts the broker recorded as the job's end (not a retry). */
  @Override
  public void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {
    if (fate != Fate.RETRIED && ended.incrementAndGet() == jobs) {
      allEndedAt = System.nanoTime();
    }
  }

  int finished() {
    return finished.get();
  }

  /** When the broker had recorded the end of every job ({@link System#nanoTime()}); 0 if not. */
  long allEndedAt() {
    return allEndedAt;
  }

  /** The job's last run, or null if this worker's pool never ran it in this JVM. */
  Run run(String jobId) {
    return runs.get(jobId);
  }
}
