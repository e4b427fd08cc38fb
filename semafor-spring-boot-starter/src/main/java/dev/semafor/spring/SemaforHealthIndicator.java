package dev.semafor.spring;

import dev.semafor.spi.Broker;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerStats;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code semafor} in the application's health: DOWN when the broker does not answer, or when the
 * application should run a worker and none is running; details say which broker, how many workers
 * it knows, and this application's worker's id, queues and the leases it holds.
 */
public final class SemaforHealthIndicator extends AbstractHealthIndicator {
  private final Broker broker;
  private final SemaforWorkerLifecycle worker;

  /** {@code worker} is null when the application runs none. */
  public SemaforHealthIndicator(Broker broker, SemaforWorkerLifecycle worker) {
    super("Semafor's broker is unreachable");
    this.broker = broker;
    this.worker = worker;
  }

  @Override
  protected void doHealthCheck(Health.Builder health) {
    health.withDetail("broker", broker.describe());
    // One cheap read: the worker registry, which is small.
    health.withDetail("workers", broker.workers().size());
    if (worker == null) {
      health.up().withDetail("worker", "none (semafor.worker.enabled=false)");
      return;
    }
    Worker w = worker.worker();
    if (w == null) {
      health.down().withDetail("worker", "not running");
      return;
    }
    WorkerStats stats = w.stats();
    health
        .up()
        .withDetail("worker", w.id())
        .withDetail("queues", w.config().queues())
        .withDetail("model", w.config().model().name().toLowerCase(java.util.Locale.ROOT))
        .withDetail("concurrency", w.config().concurrency())
        .withDetail("leases_held", stats.inFlight())
        .withDetail("succeeded", stats.succeeded());
  }
}
