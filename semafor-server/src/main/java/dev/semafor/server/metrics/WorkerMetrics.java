package dev.semafor.server.metrics;

import dev.semafor.ExecutionModel;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRef;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker-side meters, fed by {@link WorkerListener} events. Bind it to a registry, then hand it to
 * the worker as its listener:
 *
 * <ul>
 *   <li>{@code semafor.jobs.succeeded|failed|retried|dead|cancelled} counters, by task and queue
 *       ({@code failed} counts every failed attempt: {@code retried} + {@code dead});
 *   <li>{@code semafor.job.run} timer (run time histogram) by task and queue; {@code
 *       semafor.job.queue.wait} timer (lease time minus run-at) by queue;
 *   <li>{@code semafor.jobs.in.flight} and {@code semafor.pool.utilization} (in flight divided by
 *       the concurrency of the workers started in this process);
 *   <li>{@code semafor.leases.expired} (reaped) and {@code semafor.leases.lost} counters.
 * </ul>
 *
 * Thread-safe: meters are Micrometer's, the rest atomics.
 */
public final class WorkerMetrics implements WorkerListener, MeterBinder {
  /** Histogram buckets for run times and queue waits, from a millisecond to ten minutes. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10)
  };

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Integer> concurrencyByWorker = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;
  private Counter leasesExpired;
  private Counter leasesLost;

  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    Gauge.builder("semafor.jobs.in.flight", inFlight, AtomicInteger::get)
        .description("Jobs running on this process's workers")
        .register(meterRegistry);
    Gauge.builder("semafor.pool.utilization", this, WorkerMetrics::utilization)
        .description("Jobs in flight divided by the pool concurrency of this process's workers")
        .register(meterRegistry);
    leasesExpired =
        Counter.builder("semafor.leases.expired")
            .description("Expired leases whose jobs were returned to their queues")
            .register(meterRegistry);
    leasesLost =
        Counter.builder("semafor.leases.lost")
            .description("Leases this process's workers lost before recording a result")
            .register(meterRegistry);
    this.registry = meterRegistry;
  }

  @Override
  public void onWorkerStarted(String workerId, ExecutionModel model, int concurrency) {
    concurrencyByWorker.put(workerId, concurrency);
  }

  @Override
  public void onWorkerStopped(String workerId) {
    concurrencyByWorker.remove(workerId);
  }

  @Override
  public void onLeased(Lease lease) {
    MeterRegistry r = registry;
    JobRecord job = lease.job();
    if (r == null || job.startedAt() == null) {
      return;
    }
    Duration waited = Duration.between(job.runAt(), job.startedAt());
    Timer.builder("semafor.job.queue.wait")
        .description("Time from a job's run-at to its lease")
        .tag("queue", job.queue())
        .serviceLevelObjectives(BUCKETS)
        .register(r)
        .record(waited.isNegative() ? Duration.ZERO : waited);
  }

  @Override
  public void onStarted(Assignment assignment) {
    inFlight.incrementAndGet();
  }

  @Override
  public void onFinished(Assignment assignment, Outcome outcome, Fate fate, Duration runTime) {
    inFlight.decrementAndGet();
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    JobRecord job = assignment.lease().job();
    Timer.builder("semafor.job.run")
        .description("Run time of one attempt")
        .tags("task", job.task(), "queue", job.queue())
        .serviceLevelObjectives(BUCKETS)
        .register(r)
        .record(runTime);
    switch (Objects.requireNonNull(fate, "fate")) {
      case SUCCEEDED -> count(r, "semafor.jobs.succeeded", "Jobs that succeeded", job);
      case RETRYING -> {
        count(r, "semafor.jobs.failed", "Failed attempts (retried or dead)", job);
        count(r, "semafor.jobs.retried", "Failed attempts scheduled to run again", job);
      }
      case DEAD -> {
        count(r, "semafor.jobs.failed", "Failed attempts (retried or dead)", job);
        count(r, "semafor.jobs.dead", "Jobs that failed for the last time", job);
      }
      case CANCELLED -> count(r, "semafor.jobs.cancelled", "Jobs cancelled while running", job);
      case LOST -> {
        // counted by onLeaseLost
      }
    }
  }

  @Override
  public void onLeaseLost(LeaseRef lease) {
    if (leasesLost != null) {
      leasesLost.increment();
    }
  }

  @Override
  public void onLeasesReaped(int count) {
    if (leasesExpired != null && count > 0) {
      leasesExpired.increment(count);
    }
  }

  private double utilization() {
    int concurrency = concurrencyByWorker.values().stream().mapToInt(Integer::intValue).sum();
    return concurrency == 0 ? 0 : (double) inFlight.get() / concurrency;
  }

  private static void count(MeterRegistry r, String name, String description, JobRecord job) {
    Counter.builder(name)
        .description(description)
        .tags("task", job.task(), "queue", job.queue())
        .register(r)
        .increment();
  }
}
