package dev.semafor.cli;

import dev.semafor.server.MetricsServer;
import dev.semafor.server.metrics.WorkerMetrics;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code semafor worker --metrics-port}: the worker's meters served on loopback. */
final class WorkerMetricsEndpoint implements AutoCloseable {
  private static final String BIND = "127.0.0.1";

  private final WorkerMetrics metrics;
  private final MetricsServer server;

  private WorkerMetricsEndpoint(WorkerMetrics metrics, MetricsServer server) {
    this.metrics = metrics;
    this.server = server;
  }

  static WorkerMetricsEndpoint start(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--metrics-port must be in 0..65535, got " + port);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WorkerMetrics metrics = new WorkerMetrics();
    metrics.bindTo(registry);
    return new WorkerMetricsEndpoint(
        metrics,
        Ports.start("--metrics-port", port, () -> MetricsServer.start(BIND, port, registry, null)));
  }

  WorkerListener listener() {
    return metrics;
  }

  void watch(Worker worker) {
    metrics.watch(worker);
  }

  String url() {
    return "http://" + BIND + ":" + server.port() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
  }
}
