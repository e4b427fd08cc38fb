package dev.semafor.server.metrics;

import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Fate;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker-side meters, fed by the {@link WorkerListener} events of the workers in this process. Bind
 * it to a registry, pass it to the worker as its listener, then {@link #watch} the worker:
 *
 * <pre>{@code
 * WorkerMetrics metrics = server.workerMetrics();   // or new WorkerMetrics() bound to your registry
 * Worker worker = new Worker(broker, registry, config, Json.defaults(), clock, metrics);
 * metrics.watch(worker.start());
 * }</pre>
 *
 * <ul>
 *   <li>{@code semafor.jobs.succeeded|failed|retried|dead|cancelled} counters by task and queue
 *       ({@code failed} counts every failed attempt, so it is {@code retried + dead});
 *   <li>{@code semafor.job.run} (run time of an attempt) by task and queue, and {@code
 *       semafor.job.queue.wait} (lease time minus run-at) by queue: timers with histogram buckets;
 *   <li>{@code semafor.jobs.in.flight} (jobs running now) and {@code semafor.pool.utilization}
 *       (running divided by the concurrency of the watched workers);
 *   <li>{@code semafor.leases.lost} (results the broker refused because the lease was lost) and
 *       {@code semafor.leases.expired} (expired leases reaped, see {@link #onLeasesReaped}).
 * </ul>
 *
 * <p>Outcome counters are taken when the broker has recorded the attempt ({@link #onRecorded}), so
 * a result rejected for a lost lease counts only as lost. Thread-safe: Micrometer's meters and
 * atomics.
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
  private final Set<Worker> watched = new CopyOnWriteArraySet<>();
  private volatile MeterRegistry registry;
  private volatile Counter leasesExpired;
  private volatile Counter leasesLost;

  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    Gauge.builder("semafor.jobs.in.flight", inFlight, AtomicInteger::get)
        .description("Jobs running on this process's workers")
        .register(meterRegistry);
    Gauge.builder("semafor.pool.utilization", this, WorkerMetrics::utilization)
        .description("Jobs running divided by the pool concurrency of the watched workers")
        .register(meterRegistry);
    leasesExpired =
        Counter.builder("semafor.leases.expired")
            .description("Expired leases whose jobs were returned to their queues or made dead")
            .register(meterRegistry);
    leasesLost =
        Counter.builder("semafor.leases.lost")
            .description("Results the broker refused because the lease had been lost")
            .register(meterRegistry);
    this.registry = meterRegistry;
  }

  /** Counts {@code worker}'s pool in {@code semafor.pool.utilization} until it terminates. */
  public WorkerMetrics watch(Worker worker) {
    watched.add(worker);
    return this;
  }

  @Override
  public void onLeased(List<Lease> leases) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    for (Lease lease : leases) {
      JobRecord job = lease.job();
      if (job.startedAt() == null) {
        continue;
      }
      Duration waited = Duration.between(job.runAt(), job.startedAt());
      Timer.builder("semafor.job.queue.wait")
          .description("Time from a job's run-at to its lease")
          .tag("queue", job.queue())
          .serviceLevelObjectives(BUCKETS)
          .register(r)
          .record(waited.isNegative() ? Duration.ZERO : waited);
    }
  }

  @Override
  public void onStarted(Assignment assignment) {
    inFlight.incrementAndGet();
  }

  @Override
  public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
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
        .record(Math.max(0, runNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    JobRecord job = assignment.lease().job();
    switch (fate) {
      case SUCCEEDED -> count(r, "semafor.jobs.succeeded", "Jobs that succeeded", job);
      case RETRIED -> {
        count(r, "semafor.jobs.failed", "Failed attempts (retried or dead)", job);
        count(r, "semafor.jobs.retried", "Failed attempts scheduled to run again", job);
      }
      case DEAD -> {
        count(r, "semafor.jobs.failed", "Failed attempts (retried or dead)", job);
        count(r, "semafor.jobs.dead", "Jobs that failed for the last time", job);
      }
      case CANCELLED ->
          count(r, "semafor.jobs.cancelled", "Jobs stopped because they were cancelled", job);
    }
  }

  @Override
  public void onLeaseLost(Assignment assignment) {
    Counter c = leasesLost;
    if (c != null) {
      c.increment();
    }
  }

  /** Counts leases this worker's heartbeater found expired and reaped. */
  @Override
  public void onLeasesReaped(int count) {
    Counter c = leasesExpired;
    if (c != null && count > 0) {
      c.increment(count);
    }
  }

  private double utilization() {
    watched.removeIf(Worker::isTerminated);
    int concurrency = 0;
    int running = 0;
    for (Worker w : watched) {
      concurrency += w.config().concurrency();
      running += w.pool().running();
    }
    return concurrency == 0 ? 0 : (double) running / concurrency;
  }

  private static void count(MeterRegistry r, String name, String description, JobRecord job) {
    Counter.builder(name)
        .description(description)
        .tags("task", job.task(), "queue", job.queue())
        .register(r)
        .increment();
  }
}
