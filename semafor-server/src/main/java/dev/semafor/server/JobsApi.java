package dev.semafor.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.Client;
import dev.semafor.JobHandle;
import dev.semafor.JobState;
import dev.semafor.broker.Broker;
import dev.semafor.broker.CancelResult;
import dev.semafor.broker.JobQuery;
import dev.semafor.broker.JobRecord;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The job endpoints under {@code /api/v1/jobs}: enqueue (one or a batch), get, list with filters,
 * cancel, retry and delete. Every error is a {@link Problem}.
 */
final class JobsApi {
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;

  private final Broker broker;
  private final Client client;
  private final EnqueueRequests requests;
  private final ObjectMapper mapper;
  private final ServerMetrics metrics;
  private final int maxBodyBytes;

  JobsApi(
      Broker broker,
      Client client,
      EnqueueRequests requests,
      ObjectMapper mapper,
      ServerMetrics metrics,
      int maxBodyBytes) {
    this.broker = broker;
    this.client = client;
    this.requests = requests;
    this.mapper = mapper;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(Javalin app) {
    app.post("/api/v1/jobs", this::enqueue);
    app.post("/api/v1/jobs/batch", this::enqueueBatch);
    app.get("/api/v1/jobs", this::list);
    app.get("/api/v1/jobs/{id}", this::get);
    app.post("/api/v1/jobs/{id}/cancel", this::cancel);
    app.post("/api/v1/jobs/{id}/retry", this::retry);
    app.delete("/api/v1/jobs/{id}", this::delete);
  }

  private void enqueue(Context ctx) {
    Client.JobRequest request = requests.single(jsonBody(ctx));
    List<JobRecord> stored = store(List.of(request));
    JobRecord job = stored.get(0);
    ctx.status(201).header("Location", "/api/v1/jobs/" + job.id());
    ctx.json(JobViews.JobView.of(job, mapper));
  }

  private void enqueueBatch(Context ctx) {
    List<Client.JobRequest> batch = requests.batch(jsonBody(ctx));
    List<JobRecord> stored = store(batch);
    ctx.status(201);
    ctx.json(Map.of("jobs", stored.stream().map(JobViews.JobSummary::of).toList()));
  }

  private List<JobRecord> store(List<Client.JobRequest> batch) {
    List<JobHandle> handles = client.enqueueAll(batch);
    List<JobRecord> stored = new ArrayList<>(handles.size());
    for (JobHandle h : handles) {
      stored.add(h.snapshot());
    }
    metrics.enqueued(stored);
    return stored;
  }

  /** The one job view, with the job's log lines ({@link JobLogsApi#logs}). */
  private void get(Context ctx) {
    JobRecord job = find(ctx.pathParam("id"));
    ctx.json(JobLogsApi.WithLogs.of(JobViews.JobView.of(job, mapper), broker.logs(job.id())));
  }

  private void list(Context ctx) {
    int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE - MAX_PAGE - 1);
    JobQuery query =
        new JobQuery(
            blankToNull(ctx.queryParam("queue")),
            blankToNull(ctx.queryParam("task")),
            states(ctx.queryParams("state")),
            instantParam(ctx, "from"),
            instantParam(ctx, "to"),
            limit + 1,
            offset);
    List<JobRecord> page = broker.query(query);
    boolean more = page.size() > limit;
    List<JobViews.JobSummary> jobs =
        page.subList(0, Math.min(limit, page.size())).stream()
            .map(JobViews.JobSummary::of)
            .toList();
    ctx.json(Map.of("jobs", jobs, "limit", limit, "offset", offset, "has_more", more));
  }

  private void cancel(Context ctx) {
    String id = ctx.pathParam("id");
    CancelResult result = broker.cancel(id);
    switch (result) {
      case NOT_FOUND -> throw Problem.notFound("no job with id " + id);
      case ALREADY_FINISHED ->
          throw Problem.conflict(
              "job " + id + " has already finished (" + stateOf(id) + "); nothing to cancel");
      case CANCELLED, CANCEL_REQUESTED ->
          ctx.json(
              Map.of(
                  "result",
                  result.name().toLowerCase(Locale.ROOT),
                  "job",
                  JobViews.JobView.of(find(id), mapper)));
    }
  }

  private void retry(Context ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = find(id);
    if (!broker.retry(id)) {
      throw Problem.conflict(
          "job " + id + " is " + stateOf(id) + "; only dead or cancelled jobs can be retried");
    }
    ctx.json(JobViews.JobView.of(broker.get(id).orElse(job), mapper));
  }

  private void delete(Context ctx) {
    String id = ctx.pathParam("id");
    find(id);
    if (!broker.delete(id)) {
      throw Problem.conflict(
          "job "
              + id
              + " is "
              + stateOf(id)
              + "; only finished jobs can be deleted (cancel it first)");
    }
    ctx.status(204);
  }

  private JobRecord find(String id) {
    return broker.get(id).orElseThrow(() -> Problem.notFound("no job with id " + id));
  }

  private String stateOf(String id) {
    return broker.get(id).map(j -> JobViews.state(j.state())).orElse("gone");
  }

  /** The body as bytes, refused if it is not JSON or is larger than the limit (read bounded). */
  private byte[] jsonBody(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw Problem.unsupportedMediaType(
          "send the body as application/json (got "
              + (type == null ? "no Content-Type" : type)
              + ")");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        throw tooLarge(-1);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Problem tooLarge(long declared) {
    return Problem.tooLarge(
        "the body is larger than the limit of "
            + maxBodyBytes
            + " bytes"
            + (declared > 0 ? " (Content-Length " + declared + ")" : ""));
  }

  private static Set<JobState> states(List<String> values) {
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (String value : values) {
      for (String part : value.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        try {
          states.add(JobState.valueOf(part.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw Problem.badRequest(
              "unknown state '"
                  + part.trim()
                  + "' (expected scheduled, queued, running, succeeded, dead or cancelled)");
        }
      }
    }
    return states;
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value < min || value > max) {
        throw Problem.badRequest(name + " must be in " + min + ".." + max + ": " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(name + " must be an integer: '" + raw + "'");
    }
  }

  private static Instant instantParam(Context ctx, String name) {
    String raw = blankToNull(ctx.queryParam(name));
    if (raw == null) {
      return null;
    }
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          name + " must be an ISO-8601 instant such as 2030-01-31T12:00:00Z: '" + raw + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
