package dev.semafor.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.RefusedJsonException;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import dev.semafor.UniquePolicy;
import dev.semafor.client.Client;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads enqueue requests ({@code POST /api/v1/jobs} and {@code /jobs/batch}) into {@link
 * Client.JobRequest}s, refusing anything doubtful before a job is stored: a body that is not JSON
 * or has the wrong shape (400, unknown fields included, so a misspelt {@code delay} is not silently
 * ignored), a task this server does not know, an input that does not bind to the task's input type,
 * or options out of range (422, naming the field). A body that Jackson would change as it reads it
 * (a duplicate key, a number out of a double's range, a lone surrogate: see {@link
 * dev.semafor.Json}) is refused with 400. Errors in a batch name the job's index.
 */
final class EnqueueRequests {
  /** One job as the API accepts it. Only {@code task} is required. */
  record EnqueueBody(
      String task,
      JsonNode input,
      String queue,
      Integer priority,
      Long delayMs,
      Instant runAt,
      Integer maxAttempts,
      Long timeoutMs,
      String uniqueKey,
      String onConflict,
      String concurrencyKey,
      Integer concurrencyLimit,
      Integer rateLimit,
      Long ratePeriodMs,
      String rateKey) {}

  record BatchBody(List<EnqueueBody> jobs) {}

  private final ObjectReader singleReader;
  private final ObjectReader batchReader;
  private final TaskRegistry registry;
  private final Json json;
  private final int maxBatch;

  EnqueueRequests(ObjectMapper apiMapper, TaskRegistry registry, Json json, int maxBatch) {
    ObjectReader base =
        apiMapper
            .reader()
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // 1.5 ms, 2.7 attempts: refused, not cut to a whole number without a word
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    this.singleReader = base.forType(EnqueueBody.class);
    this.batchReader = base.forType(BatchBody.class);
    this.registry = registry;
    this.json = json;
    this.maxBatch = maxBatch;
  }

  Client.JobRequest single(byte[] body) {
    EnqueueBody job = read(singleReader, body);
    return toRequest(job, "");
  }

  List<Client.JobRequest> batch(byte[] body) {
    BatchBody batch = read(batchReader, body);
    if (batch.jobs() == null || batch.jobs().isEmpty()) {
      throw Problem.badRequest("a batch needs a non-empty \"jobs\" array");
    }
    if (batch.jobs().size() > maxBatch) {
      throw Problem.tooLarge(
          "a batch holds at most " + maxBatch + " jobs; this one has " + batch.jobs().size());
    }
    List<Client.JobRequest> requests = new ArrayList<>(batch.jobs().size());
    for (int i = 0; i < batch.jobs().size(); i++) {
      EnqueueBody job = batch.jobs().get(i);
      if (job == null) {
        throw Problem.badRequest("jobs[" + i + "] is null");
      }
      requests.add(toRequest(job, "jobs[" + i + "]: "));
    }
    return requests;
  }

  private static <T> T read(ObjectReader reader, byte[] body) {
    if (body.length == 0) {
      throw Problem.badRequest("the request body is empty; expected a JSON object");
    }
    try {
      T value = reader.readValue(body);
      if (value == null) {
        throw Problem.badRequest("expected a JSON object, got null");
      }
      return value;
    } catch (RefusedJsonException e) {
      throw Problem.refusedJson("the body is refused: " + e.getOriginalMessage() + at(e));
    } catch (JsonParseException e) {
      throw Problem.malformedJson("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      throw Problem.badRequest(
          "unknown field '"
              + e.getPropertyName()
              + "'"
              + where(e)
              + " (known: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")");
    } catch (JsonMappingException e) {
      RefusedJsonException refused = RefusedJsonException.in(e);
      if (refused != null) {
        throw Problem.refusedJson(
            "the body is refused" + where(e) + ": " + refused.getOriginalMessage() + at(refused));
      }
      if (e.getPath().isEmpty()) {
        throw Problem.badRequest("wrong shape: the body must be a JSON object");
      }
      throw Problem.badRequest("wrong shape: " + InputCheck.binding(e));
    } catch (IOException e) {
      throw Problem.malformedJson("cannot read the body: " + e.getMessage());
    }
  }

  /** " (line L, column C)" of a parse error, or "". */
  private static String at(JsonParseException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static String where(JsonMappingException e) {
    String path = Json.path(e);
    return path.isEmpty() ? "" : " at " + path;
  }

  private Client.JobRequest toRequest(EnqueueBody b, String where) {
    if (b.task() == null || b.task().isBlank()) {
      throw Problem.badRequest(where + "\"task\" is required");
    }
    TaskDefinition<?, ?> definition =
        registry
            .find(b.task())
            .orElseThrow(
                () ->
                    new Problem(
                        422,
                        "unknown-task",
                        "Unknown task",
                        where
                            + "unknown task '"
                            + b.task()
                            + "'; this server knows: "
                            + String.join(", ", registry.names()),
                        Map.of("task", b.task(), "known_tasks", registry.names())));
    String inputJson = b.input() == null ? "null" : b.input().toString();
    try {
      InputCheck.fits(json, definition, inputJson);
    } catch (PayloadException e) {
      throw new Problem(
          422, "invalid-input", "Input does not fit the task", where + e.getMessage());
    }
    return new Client.JobRequest(b.task(), new Client.RawJson(inputJson), options(b, where));
  }

  /**
   * The job's options, with the rules of {@code semafor enqueue}'s flags: a key without its limit
   * is refused, a limit without a key is keyed by the task's name, {@code on_conflict} needs a
   * {@code unique_key}.
   */
  private static JobOptions options(EnqueueBody b, String where) {
    if (b.delayMs() != null && b.runAt() != null) {
      throw Problem.invalid(where + "give delay_ms or run_at, not both");
    }
    needs(where, "concurrency_key", b.concurrencyKey(), "concurrency_limit", b.concurrencyLimit());
    needs(where, "rate_key", b.rateKey(), "rate_limit", b.rateLimit());
    needs(where, "rate_limit", b.rateLimit(), "rate_period_ms", b.ratePeriodMs());
    needs(where, "rate_period_ms", b.ratePeriodMs(), "rate_limit", b.rateLimit());
    needs(where, "on_conflict", b.onConflict(), "unique_key", b.uniqueKey());
    String field = "queue";
    try {
      JobOptions o = JobOptions.defaults();
      if (b.queue() != null) {
        o = o.queue(b.queue());
      }
      field = "priority";
      if (b.priority() != null) {
        o = o.priority(b.priority());
      }
      field = "delay_ms";
      if (b.delayMs() != null) {
        o = o.delay(Duration.ofMillis(b.delayMs()));
      }
      field = "run_at";
      if (b.runAt() != null) {
        o = o.runAt(b.runAt());
      }
      field = "max_attempts";
      if (b.maxAttempts() != null) {
        o = o.maxAttempts(b.maxAttempts());
      }
      field = "timeout_ms";
      if (b.timeoutMs() != null) {
        o = o.timeout(Duration.ofMillis(b.timeoutMs()));
      }
      field = "unique_key";
      if (b.uniqueKey() != null) {
        o = o.unique(b.uniqueKey(), policy(b.onConflict(), where));
      }
      field = "concurrency_limit";
      if (b.concurrencyLimit() != null) {
        if (b.concurrencyLimit() < 1) {
          throw new IllegalArgumentException("must be at least 1: " + b.concurrencyLimit());
        }
        field = b.concurrencyKey() != null ? "concurrency_key" : field;
        String key = b.concurrencyKey() != null ? b.concurrencyKey() : b.task();
        o = o.concurrency(key, b.concurrencyLimit());
      }
      field = "rate_limit";
      if (b.rateLimit() != null) {
        String key = b.rateKey() != null ? b.rateKey() : b.task();
        o = rateLimit(o, key, b, where);
      }
      return o;
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField(where, field, e.getMessage());
    }
  }

  /** A rate limit, naming the field at fault: the key, the permits or the period. */
  private static JobOptions rateLimit(JobOptions o, String key, EnqueueBody b, String where) {
    if (b.rateLimit() < 1) {
      throw Problem.invalidField(
          where, "rate_limit", "needs at least 1 start per period: " + b.rateLimit());
    }
    if (b.ratePeriodMs() < 1 || b.ratePeriodMs() > JobOptions.MAX_DURATION.toMillis()) {
      throw Problem.invalidField(
          where,
          "rate_period_ms",
          "must be between 1 and " + JobOptions.MAX_DURATION.toMillis() + ": " + b.ratePeriodMs());
    }
    try {
      return o.rateLimit(key, b.rateLimit(), Duration.ofMillis(b.ratePeriodMs()));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField(
          where, b.rateKey() != null ? "rate_key" : "rate_limit", e.getMessage());
    }
  }

  /** {@code reject} (the default) or {@code replace}, in any case. */
  private static UniquePolicy policy(String onConflict, String where) {
    if (onConflict == null) {
      return UniquePolicy.REJECT;
    }
    try {
      return UniquePolicy.valueOf(onConflict.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField(
          where, "on_conflict", "'" + onConflict + "' is not reject or replace");
    }
  }

  /** Refuses {@code field} set without {@code partner}, as the CLI refuses a lone flag. */
  private static void needs(
      String where, String field, Object value, String partner, Object other) {
    if (value != null && other == null) {
      throw Problem.invalidField(where, field, "needs \"" + partner + "\" too");
    }
  }
}
