package dev.semafor.tck;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions about one stored job, with messages that name the job and the field.
 *
 * <pre>{@code
 * assertThatJob(broker.get(id).orElseThrow()).isInState(RUNNING).hasAttempts(1).isLeasedTo("w1");
 * }</pre>
 *
 * <p>JSON fields (input, result) are compared as JSON values, not as text, so a backend may store
 * them in any equivalent form (PostgreSQL's {@code jsonb} re-spaces them, for one).
 */
public final class JobAssert extends AbstractAssert<JobAssert, JobRecord> {
  private JobAssert(JobRecord actual) {
    super(actual, JobAssert.class);
  }

  public static JobAssert assertThatJob(JobRecord actual) {
    return new JobAssert(actual);
  }

  public JobAssert isInState(JobState expected) {
    return check("state", expected, actual.state());
  }

  public JobAssert hasAttempts(int expected) {
    return check("attempts", expected, actual.attempts());
  }

  public JobAssert isLeasedTo(String workerId) {
    return check("workerId", workerId, actual.workerId());
  }

  public JobAssert hasLeaseExpiringAt(Instant expected) {
    return check("leaseExpiresAt", expected, actual.leaseExpiresAt());
  }

  /** No lease is held: no lease expiry. */
  public JobAssert hasNoLease() {
    return check("leaseExpiresAt", null, actual.leaseExpiresAt());
  }

  public JobAssert wasStartedAt(Instant expected) {
    return check("startedAt", expected, actual.startedAt());
  }

  public JobAssert wasFinishedAt(Instant expected) {
    return check("finishedAt", expected, actual.finishedAt());
  }

  /** No finish time is recorded. */
  public JobAssert isNotFinished() {
    return check("finishedAt", null, actual.finishedAt());
  }

  public JobAssert hasRunAt(Instant expected) {
    return check("runAt", expected, actual.runAt());
  }

  /** The result equals {@code json} as a JSON value. */
  public JobAssert hasResultJson(String json) {
    return check("result", tree(json), tree(actual.result()));
  }

  /** The input equals {@code json} as a JSON value. */
  public JobAssert hasInputJson(String json) {
    return check("input", tree(json), tree(actual.input()));
  }

  public JobAssert hasError(JobError expected) {
    return check("error", expected, actual.error());
  }

  public JobAssert hasErrorOfType(String type) {
    isNotNull();
    if (actual.error() == null) {
      failWithMessage("Expected job %s to have an error of type %s but it has none", id(), type);
    }
    return check("error.type", type, actual.error().type());
  }

  public JobAssert hasProgress(double fraction, String message) {
    check("progress", fraction, actual.progress());
    return check("progressMessage", message, actual.progressMessage());
  }

  public JobAssert hasCancelRequested(boolean expected) {
    return check("cancelRequested", expected, actual.cancelRequested());
  }

  /**
   * Every field a producer sets is as it was enqueued: id, task, queue, priority, input, max
   * attempts, backoff, timeout, run-at, enqueue time, unique key and concurrency key and limit.
   */
  public JobAssert keepsWhatWasEnqueued(JobRecord enqueued) {
    check("id", enqueued.id(), actual.id());
    check("task", enqueued.task(), actual.task());
    check("queue", enqueued.queue(), actual.queue());
    check("priority", enqueued.priority(), actual.priority());
    hasInputJson(enqueued.input());
    check("maxAttempts", enqueued.maxAttempts(), actual.maxAttempts());
    check("backoff", enqueued.backoff(), actual.backoff());
    check("timeout", enqueued.timeout(), actual.timeout());
    check("runAt", enqueued.runAt(), actual.runAt());
    check("enqueuedAt", enqueued.enqueuedAt(), actual.enqueuedAt());
    check("uniqueKey", enqueued.uniqueKey(), actual.uniqueKey());
    check("concurrencyKey", enqueued.concurrencyKey(), actual.concurrencyKey());
    return check("concurrencyLimit", enqueued.concurrencyLimit(), actual.concurrencyLimit());
  }

  /** The job equals {@code earlier} in every field: nothing changed it in between. */
  public JobAssert isUnchangedFrom(JobRecord earlier) {
    isNotNull();
    if (!actual.equals(earlier)) {
      failWithMessage(
          "Expected job %s to be unchanged%n  before: %s%n  now:    %s", id(), earlier, actual);
    }
    return this;
  }

  private JobAssert check(String field, Object expected, Object found) {
    isNotNull();
    if (!Objects.equals(expected, found)) {
      failWithMessage(
          "Expected job %s to have %s <%s> but was <%s> (job is %s, attempts %d)",
          id(), field, expected, found, actual.state(), actual.attempts());
    }
    return this;
  }

  private String id() {
    return actual.id();
  }

  private static JsonNode tree(String json) {
    return Json.defaults().tree(json);
  }
}
