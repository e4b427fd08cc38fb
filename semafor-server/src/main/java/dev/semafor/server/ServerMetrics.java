package dev.semafor.server;

import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters the server keeps on its own, without a worker in the process:
 *
 * <ul>
 *   <li>{@code semafor.jobs.enqueued} counter, by task and queue: jobs enqueued through the API;
 *   <li>{@code semafor.queue.jobs} gauge, by queue and state, and {@code semafor.queue.depth} (jobs
 *       {@code QUEUED}, ready to run) by queue: read from the broker's stats, refreshed at every
 *       scrape; state {@code running} counts started jobs only, and state {@code leased} the {@code
 *       RUNNING} jobs still waiting in a worker's local queue;
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

  /**
   * The value behind each queue gauge, by meter name and tags: registered once, then set at every
   * update (a queue that disappears reads 0). Guarded by this.
   */
  private final Map<List<String>, AtomicLong> gauges = new HashMap<>();

  ServerMetrics(Broker broker, InstantSource clock, Duration goneAfter) {
    this.broker = broker;
    this.clock = clock;
    this.goneAfter = goneAfter;
  }

  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    this.registry = meterRegistry;
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

  /** Sets the queue gauges to {@code stats}; queues no longer present read 0. */
  synchronized void update(List<QueueStats> stats) {
    gauges.values().forEach(v -> v.set(0));
    for (QueueStats s : stats) {
      for (Map.Entry<String, Long> e : s.shownCounts().entrySet()) {
        gauge(
                "semafor.queue.jobs",
                "Jobs per queue and state, from the broker",
                "queue",
                s.queue(),
                "state",
                e.getKey())
            .set(e.getValue());
      }
      gauge(
              "semafor.queue.depth",
              "Jobs ready to run (QUEUED) per queue, from the broker",
              "queue",
              s.queue())
          .set(s.count(JobState.QUEUED));
    }
  }

  private AtomicLong gauge(String name, String description, String... tags) {
    List<String> key = new ArrayList<>(List.of(tags));
    key.add(0, name);
    return gauges.computeIfAbsent(
        List.copyOf(key),
        k -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tags(tags)
              .register(registry);
          return value;
        });
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
