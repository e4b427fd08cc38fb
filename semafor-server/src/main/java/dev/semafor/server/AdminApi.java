package dev.semafor.server;

import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.TaskCount;
import dev.semafor.spi.WorkerInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The read-only endpoints about the system as a whole: queues (counts and rates), workers,
 * schedules, server info, and the OpenAPI document.
 */
final class AdminApi {
  static final String OPENAPI_RESOURCE = "/dev/semafor/server/openapi.json";

  private final Broker broker;
  private final QueueSampler sampler;
  private final ServerMetrics metrics;
  private final ScheduleSource schedules;
  private final TaskRegistry registry;
  private final InstantSource clock;
  private final Duration goneAfter;
  private final boolean tokenRequired;
  private final byte[] openApi;

  AdminApi(
      Broker broker,
      QueueSampler sampler,
      ServerMetrics metrics,
      ScheduleSource schedules,
      TaskRegistry registry,
      InstantSource clock,
      Duration goneAfter,
      boolean tokenRequired) {
    this.broker = broker;
    this.sampler = sampler;
    this.metrics = metrics;
    this.schedules = schedules;
    this.registry = registry;
    this.clock = clock;
    this.goneAfter = goneAfter;
    this.tokenRequired = tokenRequired;
    this.openApi = resource(OPENAPI_RESOURCE);
  }

  /** A worker as the API shows it: the registry entry plus whether it is gone. */
  record WorkerView(
      String id,
      String host,
      long pid,
      String model,
      int concurrency,
      List<String> queues,
      int inFlight,
      Instant startedAt,
      Instant lastHeartbeat,
      String status,
      List<String> tasks) {}

  /** Jobs waiting for a task that no live worker has (or in a queue no live worker takes). */
  record UnservedView(String queue, String task, long queued) {}

  void register(Javalin app) {
    app.get("/api/v1/info", this::info);
    app.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    app.get("/api/v1/queues", this::queues);
    app.get("/api/v1/workers", this::workers);
    app.get("/api/v1/schedules", ctx -> ctx.json(Map.of("schedules", schedules.schedules())));
  }

  private void info(Context ctx) {
    ctx.json(
        Map.of(
            "broker", broker.describe(),
            "tasks", registry.names(),
            "time", clock.instant(),
            "gone_after_ms", goneAfter.toMillis(),
            "token_required", tokenRequired));
  }

  private void queues(Context ctx) {
    metrics.update(sampler.refresh());
    ctx.json(Map.of("queues", sampler.views(), "unserved", unserved(), "time", clock.instant()));
  }

  /** See {@link TaskCount#unserved}; empty if the broker cannot tell. */
  private List<UnservedView> unserved() {
    try {
      Instant now = clock.instant();
      List<WorkerInfo> live =
          broker.workers().stream().filter(w -> !w.isGone(now, goneAfter)).toList();
      return TaskCount.unserved(broker.queuedTasks(), live).stream()
          .map(c -> new UnservedView(c.queue(), c.task(), c.queued()))
          .toList();
    } catch (UnsupportedOperationException e) {
      return List.of();
    }
  }

  private void workers(Context ctx) {
    Instant now = clock.instant();
    List<WorkerView> views =
        broker.workers().stream()
            .map(
                w ->
                    new WorkerView(
                        w.id(),
                        w.host(),
                        w.pid(),
                        w.model().label(),
                        w.concurrency(),
                        w.queues(),
                        w.inFlight(),
                        w.startedAt(),
                        w.lastHeartbeat(),
                        w.isGone(now, goneAfter) ? "gone" : "active",
                        w.tasks()))
            .toList();
    ctx.json(Map.of("workers", views, "time", now));
  }

  static byte[] resource(String name) {
    try (InputStream in = AdminApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
