package dev.semafor.server;

import dev.semafor.JobState;
import dev.semafor.broker.Broker;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters the server keeps on its own, without a worker in the process:
 *
 * <ul>
 *   <li>{@code semafor.jobs.enqueued} counter, by task and queue: jobs enqueued through the API;
 *   <li>{@code semafor.queue.jobs} gauge, by queue and state, and {@code semafor.queue.depth} (jobs
 *       {@code QUEUED}, ready to run) by queue: read from the broker's stats, refreshed at every
 *       scrape;
 *   <li>{@code semafor.workers} gauge, by status ({@code active}, {@code gone}): the broker's
 *       worker registry.
 * </ul>
 */
final class ServerMetrics implements MeterBinder {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);

  private final Broker broker;
  private final InstantSource clock;
  private final Duration goneAfter;
  private MeterRegistry registry;
  private MultiGauge queueJobs;
  private MultiGauge queueDepth;

  ServerMetrics(Broker broker, InstantSource clock, Duration goneAfter) {
    this.broker = broker;
    this.clock = clock;
    this.goneAfter = goneAfter;
  }

  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    this.registry = meterRegistry;
    queueJobs =
        MultiGauge.builder("semafor.queue.jobs")
            .description("Jobs per queue and state, from the broker")
            .register(meterRegistry);
    queueDepth =
        MultiGauge.builder("semafor.queue.depth")
            .description("Jobs ready to run (QUEUED) per queue, from the broker")
            .register(meterRegistry);
    for (boolean gone : new boolean[] {false, true}) {
      Gauge.builder("semafor.workers", this, m -> m.countWorkers(gone))
          .description("Workers in the broker's registry")
          .tag("status", gone ? "gone" : "active")
          .register(meterRegistry);
    }
  }

  /** Counts jobs stored by an API enqueue. */
  void enqueued(List<JobRecord> jobs) {
    for (JobRecord job : jobs) {
      Counter.builder("semafor.jobs.enqueued")
          .description("Jobs enqueued through the HTTP API")
          .tags("task", job.task(), "queue", job.queue())
          .register(registry)
          .increment();
    }
  }

  /** Sets the queue gauges to {@code stats}; queues no longer present disappear. */
  void update(List<QueueStats> stats) {
    List<MultiGauge.Row<?>> jobs = new ArrayList<>();
    List<MultiGauge.Row<?>> depth = new ArrayList<>();
    for (QueueStats s : stats) {
      for (JobState state : JobState.values()) {
        jobs.add(
            MultiGauge.Row.of(
                Tags.of("queue", s.queue(), "state", JobViews.state(state)), s.count(state)));
      }
      depth.add(MultiGauge.Row.of(Tags.of("queue", s.queue()), s.count(JobState.QUEUED)));
    }
    queueJobs.register(jobs, true);
    queueDepth.register(depth, true);
  }

  private double countWorkers(boolean gone) {
    try {
      var now = clock.instant();
      return broker.workers().stream().filter(w -> w.isGone(now, goneAfter) == gone).count();
    } catch (RuntimeException e) {
      LOG.debug("cannot read the worker registry for metrics", e);
      return Double.NaN;
    }
  }
}
