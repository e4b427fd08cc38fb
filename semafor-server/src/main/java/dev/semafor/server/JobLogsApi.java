package dev.semafor.server;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.semafor.spi.JobReads;
import dev.semafor.spi.LogLine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job's log lines ({@link dev.semafor.JobContext#log}): {@code GET /api/v1/jobs/{id}/logs}
 * answers {@code {"id", "logs": [{"at", "line"}]}}, oldest first (the last {@value
 * LogLine#MAX_LINES} lines of every attempt). {@code semafor job --json} prints the same {@code
 * logs} array ({@link #logs}).
 */
public final class JobLogsApi {
  private final JobReads broker;

  JobLogsApi(JobReads broker) {
    this.broker = broker;
  }

  /** One log line as the API shows it. */
  record LineView(Instant at, String line) {
    static List<LineView> of(List<LogLine> lines) {
      return lines.stream().map(l -> new LineView(l.at(), l.text())).toList();
    }
  }

  /** The job view with the job's log lines, as {@code GET /api/v1/jobs/{id}} answers. */
  record WithLogs(@JsonUnwrapped JobViews.JobView job, List<LineView> logs) {
    static WithLogs of(JobViews.JobView job, List<LogLine> lines) {
      return new WithLogs(job, LineView.of(lines));
    }
  }

  /** Log lines as the {@code logs} array of the API and of {@code semafor job --json}. */
  public static ArrayNode logs(List<LogLine> lines) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (LineView l : LineView.of(lines)) {
      array.add(JobViews.tree(l));
    }
    return array;
  }

  void register(Javalin app) {
    app.get("/api/v1/jobs/{id}/logs", this::logs);
  }

  private void logs(Context ctx) {
    String id = ctx.pathParam("id");
    if (broker.get(id).isEmpty()) {
      throw Problem.notFound("no job with id " + id);
    }
    ctx.json(Map.of("id", id, "logs", logs(broker.logs(id))));
  }
}
