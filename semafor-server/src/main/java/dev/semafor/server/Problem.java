package dev.semafor.server;

import dev.semafor.SemaforException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP error as RFC 9457 describes it: a problem type (a URN naming what went wrong), a short
 * title, the status, and a detail written for the caller. Thrown by handlers and written as {@code
 * application/problem+json} by {@link ProblemHandlers}. Extension members (such as {@code
 * known_tasks}) ride along in {@link #extensions()}.
 */
final class Problem extends SemaforException {
  static final String TYPE_PREFIX = "urn:semafor:problem:";

  /** The extension member of a 429 that also becomes its {@code Retry-After} header. */
  static final String RETRY_AFTER_SECONDS = "retry_after_seconds";

  private final int status;
  private final String type;
  private final String title;
  private final Map<String, Object> extensions;

  Problem(int status, String type, String title, String detail) {
    this(status, type, title, detail, Map.of());
  }

  Problem(int status, String type, String title, String detail, Map<String, Object> extensions) {
    super(detail);
    this.status = status;
    this.type = TYPE_PREFIX + type;
    this.title = title;
    this.extensions = Map.copyOf(extensions);
  }

  static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "Bad request", detail);
  }

  static Problem malformedJson(String detail) {
    return new Problem(400, "malformed-json", "Malformed JSON", detail);
  }

  static Problem invalid(String detail) {
    return new Problem(422, "invalid-job", "Invalid job", detail);
  }

  static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail);
  }

  static Problem conflict(String detail) {
    return new Problem(409, "conflict", "Conflict with the job's state", detail);
  }

  static Problem tooLarge(String detail) {
    return new Problem(413, "too-large", "Request too large", detail);
  }

  static Problem unsupportedMediaType(String detail) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Unauthorized", detail);
  }

  /**
   * 429 for an address that failed to give the token too often; ProblemHandlers adds Retry-After.
   */
  static Problem tooManyAttempts(java.time.Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return new Problem(
        429,
        "too-many-attempts",
        "Too many attempts",
        "too many wrong tokens from this address; try again in " + seconds + " s",
        Map.of(RETRY_AFTER_SECONDS, seconds));
  }

  /** A JSON body that parses but would be changed by reading it (see dev.semafor.Json). */
  static Problem refusedJson(String detail) {
    return new Problem(400, "refused-json", "JSON refused", detail);
  }

  /** 422 for one field of a job that is out of range; the field rides along as {@code field}. */
  static Problem invalidField(String where, String field, String detail) {
    return new Problem(
        422,
        "invalid-job",
        "Invalid job",
        where + "\"" + field + "\": " + detail,
        Map.of("field", field));
  }

  static Problem forbidden(String type, String detail) {
    return new Problem(403, type, "Forbidden", detail);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String title() {
    return title;
  }

  Map<String, Object> extensions() {
    return extensions;
  }

  /** The problem document, members in RFC order, for a request to {@code instance}. */
  Map<String, Object> body(String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", getMessage());
    body.put("instance", instance);
    body.putAll(extensions);
    return body;
  }
}
