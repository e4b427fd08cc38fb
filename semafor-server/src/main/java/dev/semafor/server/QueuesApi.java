package dev.semafor.server;

import dev.semafor.spi.JobAdmin;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Pausing and resuming a queue: {@code POST /api/v1/queues/{name}/pause} and {@code .../resume}.
 * Workers stop taking a paused queue's jobs (those running finish), enqueue still works, and the
 * state is the broker's, so every worker on it sees it and it outlives restarts. A queue exists by
 * name: one that holds no job may be paused. Both answer the queue's state, {@code {"queue": NAME,
 * "paused": BOOL, "changed": BOOL}} ({@code changed} false when it already was so).
 */
final class QueuesApi {
  private final JobAdmin broker;

  QueuesApi(JobAdmin broker) {
    this.broker = broker;
  }

  /** The state of a queue after a pause or resume. */
  record PauseView(String queue, boolean paused, boolean changed) {}

  void register(Javalin app) {
    app.post("/api/v1/queues/{name}/pause", ctx -> pause(ctx, true));
    app.post("/api/v1/queues/{name}/resume", ctx -> pause(ctx, false));
  }

  private void pause(Context ctx, boolean pause) {
    String queue = ctx.pathParam("name");
    boolean changed;
    try {
      changed = pause ? broker.pauseQueue(queue) : broker.resumeQueue(queue);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
    ctx.json(new PauseView(queue, pause, changed));
  }
}
