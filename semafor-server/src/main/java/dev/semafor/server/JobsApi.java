package dev.semafor.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Durations;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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
  private final InstantSource clock;
  private final int maxBodyBytes;

  JobsApi(
      Broker broker,
      Client client,
      EnqueueRequests requests,
      ObjectMapper mapper,
      ServerMetrics metrics,
      InstantSource clock,
      int maxBodyBytes) {
    this.broker = broker;
    this.client = client;
    this.requests = requests;
    this.mapper = mapper;
    this.metrics = metrics;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(Javalin app) {
    app.post("/api/v1/jobs", this::enqueue);
    app.post("/api/v1/jobs/batch", this::enqueueBatch);
    app.get("/api/v1/jobs", this::list);
    // before /jobs/{id}/...: a job id is never "bulk", but the router takes the first match
    app.post("/api/v1/jobs/bulk/{action}", this::bulk);
    app.get("/api/v1/jobs/{id}", this::get);
    app.post("/api/v1/jobs/{id}/cancel", this::cancel);
    app.post("/api/v1/jobs/{id}/retry", this::retry);
    app.delete("/api/v1/jobs/{id}", this::delete);
  }

  /**
   * 201 and the new job; or, when a job with the same unique key still waits or runs and the policy
   * kept it, 200 and that job.
   */
  private void enqueue(Context ctx) {
    Stored stored = store(List.of(requests.single(jsonBody(ctx)))).get(0);
    JobRecord job = stored.job();
    ctx.status(stored.existing() ? 200 : 201)
        .header("Location", BasePath.of(ctx, "/api/v1/jobs/" + job.id()));
    ctx.json(JobViews.JobView.of(job, mapper));
  }

  private void enqueueBatch(Context ctx) {
    List<Stored> stored = store(requests.batch(jsonBody(ctx)));
    ctx.status(201);
    ctx.json(Map.of("jobs", stored.stream().map(s -> JobViews.JobSummary.of(s.job())).toList()));
  }

  /** A job as enqueueing left it: new, or one that already held its unique key. */
  private record Stored(JobRecord job, boolean existing) {}

  private List<Stored> store(List<Client.JobRequest> batch) {
    List<JobHandle> handles = client.enqueueAll(batch);
    List<Stored> stored = new ArrayList<>(handles.size());
    List<JobRecord> added = new ArrayList<>(handles.size());
    for (JobHandle h : handles) {
      JobRecord job = h.snapshot();
      stored.add(new Stored(job, h.existing()));
      if (!h.existing()) {
        added.add(job);
      }
    }
    metrics.enqueued(added);
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
    List<JobRecord> page = broker.query(filter(ctx).query().page(limit + 1, offset));
    boolean more = page.size() > limit;
    List<JobViews.JobSummary> jobs =
        page.subList(0, Math.min(limit, page.size())).stream()
            .map(JobViews.JobSummary::of)
            .toList();
    ctx.json(Map.of("jobs", jobs, "limit", limit, "offset", offset, "has_more", more));
  }

  /**
   * {@code POST /api/v1/jobs/bulk/{cancel|retry|delete}}: acts on every job the query's filters
   * select (at least one filter: every job at once is never implied), one by one as {@code semafor
   * jobs cancel|retry|delete} does. With {@code dry_run=true} it only counts them.
   */
  private void bulk(Context ctx) {
    BulkJobs.Action action = BulkJobs.Action.of(ctx.pathParam("action"));
    Filter filter = filter(ctx);
    if (!filter.any()) {
      throw Problem.badRequest(
          "select the jobs to "
              + action.verb()
              + " with state, queue, task, key, since, from or to (every job at once is never"
              + " implied)");
    }
    boolean dryRun = dryRun(ctx.queryParam("dry_run"));
    List<JobRecord> jobs = BulkJobs.all(broker, filter.query());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("action", action.verb());
    out.put("matched", jobs.size());
    if (dryRun) {
      out.put("dry_run", true);
      ctx.json(out);
      return;
    }
    int changed = 0;
    for (JobRecord job : jobs) {
      if (action.apply(broker, job)) {
        changed++;
      }
    }
    out.put(action.done(), changed);
    out.put("skipped", jobs.size() - changed);
    out.put("dry_run", false);
    ctx.json(out);
  }

  /** {@code true} or {@code false} (or absent); anything else is refused rather than acted on. */
  private static boolean dryRun(String raw) {
    String value = blankToNull(raw);
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw Problem.badRequest("dry_run must be true or false: '" + raw + "'");
  }

  /** The job filters of a list or bulk request: those of {@code semafor jobs}. */
  record Filter(JobQuery query, boolean any) {}

  /**
   * Reads {@code queue}, {@code task}, {@code state}, {@code key} (the unique key), {@code
   * concurrency_key}, {@code since} (a duration back from now), {@code from} and {@code to}
   * (ISO-8601 bounds on the enqueue time).
   */
  private Filter filter(Context ctx) {
    String queue = blankToNull(ctx.queryParam("queue"));
    String task = blankToNull(ctx.queryParam("task"));
    String key = blankToNull(ctx.queryParam("key"));
    String concurrencyKey = blankToNull(ctx.queryParam("concurrency_key"));
    Set<JobState> states = states(ctx.queryParams("state"));
    String since = blankToNull(ctx.queryParam("since"));
    Instant from = instantParam(ctx, "from");
    Instant to = instantParam(ctx, "to");
    if (since != null && from != null) {
      throw Problem.badRequest("give since or from, not both");
    }
    if (since != null) {
      try {
        from = clock.instant().minus(Durations.parse(since));
      } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
        throw Problem.badRequest("since: " + e.getMessage());
      }
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw Problem.badRequest("the time range is empty: " + from + " is not before to " + to);
    }
    JobQuery q =
        new JobQuery(queue, task, states, from, to, JobQuery.DEFAULT_LIMIT, 0)
            .uniqueKey(key)
            .concurrencyKey(concurrencyKey);
    boolean any =
        queue != null
            || task != null
            || key != null
            || concurrencyKey != null
            || !states.isEmpty()
            || from != null
            || to != null;
    return new Filter(q, any);
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
