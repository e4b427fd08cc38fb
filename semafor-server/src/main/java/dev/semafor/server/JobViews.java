package dev.semafor.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.ReportJson;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON shapes of the HTTP API. Field names are snake_case (the mapper's naming strategy turns
 * {@code maxAttempts} into {@code max_attempts}); states are lower case; times are ISO-8601 UTC.
 * Every shape here is described in {@code openapi.json}.
 */
public final class JobViews {
  private static final ObjectMapper MAPPER = apiMapper();

  private JobViews() {}

  /**
   * The API's mapper: the project's Jackson setup in the report style ({@link ReportJson}:
   * snake_case names, rounded plain numbers).
   */
  static ObjectMapper apiMapper() {
    return ReportJson.newMapper();
  }

  /**
   * One job as {@code GET /api/v1/jobs/{id}} shows it: the one job view, which {@code semafor job
   * --json} prints too.
   */
  public static ObjectNode job(JobRecord job) {
    return MAPPER.valueToTree(JobView.of(job, MAPPER));
  }

  /** A state as every JSON view writes it: lower case ({@code "succeeded"}). */
  public static String state(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /** Any view of this API (a record) as a JSON tree, named as the API names it. */
  public static ObjectNode tree(Object view) {
    return MAPPER.valueToTree(view);
  }

  /** A failed attempt's error; {@code stackTrace} is null in list views. */
  record ErrorView(String type, String message, String stackTrace) {
    static ErrorView of(JobError e, boolean withStack) {
      return e == null
          ? null
          : new ErrorView(e.type(), e.message(), withStack ? e.stackTrace() : null);
    }
  }

  /** Everything about one job: {@code GET /api/v1/jobs/{id}}. */
  record JobView(
      String id,
      String task,
      String queue,
      String state,
      int priority,
      JsonNode input,
      JsonNode result,
      ErrorView error,
      int attempts,
      int maxAttempts,
      Long timeoutMs,
      Instant runAt,
      Instant enqueuedAt,
      Instant startedAt,
      Instant finishedAt,
      Instant leaseExpiresAt,
      String workerId,
      String uniqueKey,
      String concurrencyKey,
      int concurrencyLimit,
      double progress,
      String progressMessage,
      boolean cancelRequested,
      boolean started) {

    static JobView of(JobRecord r, ObjectMapper mapper) {
      return new JobView(
          r.id(),
          r.task(),
          r.queue(),
          JobViews.state(r.state()),
          r.priority(),
          tree(r.input(), mapper),
          r.result() == null ? null : tree(r.result(), mapper),
          ErrorView.of(r.error(), true),
          r.attempts(),
          r.maxAttempts(),
          r.timeout() == null ? null : r.timeout().toMillis(),
          r.runAt(),
          r.enqueuedAt(),
          r.startedAt(),
          r.finishedAt(),
          r.leaseExpiresAt(),
          r.workerId(),
          r.uniqueKey(),
          r.concurrencyKey(),
          r.concurrencyLimit(),
          r.progress(),
          r.progressMessage(),
          r.cancelRequested(),
          r.started());
    }
  }

  /** One row of a job list: no input, result or stack trace, to keep pages small. */
  record JobSummary(
      String id,
      String task,
      String queue,
      String state,
      int priority,
      int attempts,
      int maxAttempts,
      Instant runAt,
      Instant enqueuedAt,
      Instant startedAt,
      Instant finishedAt,
      String workerId,
      double progress,
      ErrorView error) {

    static JobSummary of(JobRecord r) {
      return new JobSummary(
          r.id(),
          r.task(),
          r.queue(),
          JobViews.state(r.state()),
          r.priority(),
          r.attempts(),
          r.maxAttempts(),
          r.runAt(),
          r.enqueuedAt(),
          r.startedAt(),
          r.finishedAt(),
          r.workerId(),
          r.progress(),
          ErrorView.of(r.error(), false));
    }
  }

  /** Stored JSON text as a tree; text that is somehow not JSON is shown as a string. */
  private static JsonNode tree(String text, ObjectMapper mapper) {
    try {
      return mapper.readTree(text == null ? "null" : text);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(text);
    }
  }
}
