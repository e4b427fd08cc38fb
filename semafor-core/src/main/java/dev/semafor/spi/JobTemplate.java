package dev.semafor.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.semafor.Backoff;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job that a workflow will create later: the next step of a chain (kept, as JSON, in {@link
 * JobRecord#next()} of the step before it) or the callback of a chord (kept in its {@link
 * GroupRecord}). Its id is chosen up front, so a workflow's handle knows every job it will have.
 * Its input is what came before: the previous step's result, or the list of the group's results.
 *
 * <p>Stored as JSON (Jackson, no type information); unknown fields are ignored, so a template
 * written by a newer version still reads.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobTemplate(
    String id,
    String task,
    String queue,
    int priority,
    int maxAttempts,
    Backoff backoff,
    @Nullable Duration timeout,
    @Nullable Duration delay,
    @Nullable String concurrencyKey,
    int concurrencyLimit,
    @Nullable String rateKey,
    int ratePermits,
    @Nullable Duration ratePeriod) {
  private static final TypeReference<List<JobTemplate>> LIST = new TypeReference<>() {};

  public JobTemplate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(queue, "queue");
    backoff = backoff == null ? Backoff.defaults() : backoff;
    maxAttempts = Math.max(1, maxAttempts);
  }

  /** A template for {@code task} run with {@code options} (a run-at is kept as its delay now). */
  public static JobTemplate of(String id, String task, JobOptions options, Instant now) {
    Instant runAt = options.effectiveRunAt(now);
    Duration delay = runAt.isAfter(now) ? Duration.between(now, runAt) : null;
    return new JobTemplate(
        id,
        task,
        options.queue(),
        options.priority(),
        options.maxAttempts(),
        options.backoff(),
        options.timeout(),
        delay,
        options.concurrencyKey(),
        options.concurrencyLimit(),
        options.rateKey(),
        options.ratePermits(),
        options.ratePeriod());
  }

  /**
   * The job itself, created at {@code now} with {@code inputJson} as its input: {@code QUEUED}, or
   * {@code SCHEDULED} if the template has a delay.
   */
  public JobRecord toRecord(String inputJson, Instant now) {
    Instant runAt = delay == null ? now : now.plus(delay);
    return JobRecord.builder()
        .id(id)
        .task(task)
        .queue(queue)
        .state(runAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED)
        .priority(priority)
        .input(inputJson == null ? "null" : inputJson)
        .maxAttempts(maxAttempts)
        .backoff(backoff)
        .timeout(timeout)
        .runAt(runAt)
        .enqueuedAt(now)
        .concurrencyKey(concurrencyKey)
        .concurrencyLimit(concurrencyLimit)
        .rateKey(rateKey)
        .ratePermits(ratePermits)
        .ratePeriod(ratePeriod)
        .build();
  }

  public String toJson() {
    return Json.defaults().write(this);
  }

  public static JobTemplate fromJson(String json) {
    return Json.defaults().read(json, JobTemplate.class);
  }

  /** The JSON form of a chain's remaining steps ({@link JobRecord#next()}); null for none. */
  public static @Nullable String listToJson(@Nullable List<JobTemplate> steps) {
    return steps == null || steps.isEmpty() ? null : Json.defaults().write(steps);
  }

  /** Reads {@link #listToJson}'s form; an empty list for null. */
  public static List<JobTemplate> listFromJson(@Nullable String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      List<JobTemplate> steps = Json.defaults().mapper().readValue(json, LIST);
      return steps == null ? List.of() : List.copyOf(steps);
    } catch (JsonProcessingException e) {
      throw new PayloadException("invalid chain continuation: " + e.getOriginalMessage(), e);
    }
  }
}
