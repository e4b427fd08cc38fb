package dev.semafor.server;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * A bare {@code /metrics} endpoint for a process that runs workers but no dashboard ({@code semafor
 * worker --metrics-port 9091}). The same rules as {@link DashboardServer}: loopback unless a token
 * is given, and then {@code Authorization: Bearer TOKEN} on every scrape.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * WorkerMetrics metrics = new WorkerMetrics();
 * metrics.bindTo(registry);
 * Worker worker = new Worker(broker, tasks, config, Json.defaults(), InstantSource.system(), metrics);
 * metrics.watch(worker.start());
 * try (MetricsServer endpoint = MetricsServer.start("127.0.0.1", 9091, registry, null)) { ... }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
  private final Javalin app;

  private MetricsServer(Javalin app) {
    this.app = app;
  }

  /**
   * Serves {@code registry} at {@code http://bind:port/metrics} ({@code port} 0 picks a free one).
   *
   * @param token the bearer token scrapes must carry, or null (then {@code bind} must be loopback)
   * @throws IllegalStateException if {@code bind} is not loopback and there is no token
   */
  public static MetricsServer start(
      String bind, int port, PrometheusMeterRegistry registry, String token) {
    Objects.requireNonNull(registry, "registry");
    if (token != null && token.strip().length() < AccessGuard.MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "a token needs at least " + AccessGuard.MIN_TOKEN_LENGTH + " characters");
    }
    if (token == null && !AccessGuard.isLoopback(bind)) {
      throw new IllegalStateException(
          "refusing to serve metrics on " + bind + " without a token; bind to 127.0.0.1");
    }
    AccessGuard guard = new AccessGuard(token == null ? null : token.strip());
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.startupWatcherEnabled = false;
              cfg.useVirtualThreads = true;
            });
    app.before(guard::check);
    new ProblemHandlers(JobViews.apiMapper()).register(app);
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    app.start(bind, port);
    return new MetricsServer(app);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
