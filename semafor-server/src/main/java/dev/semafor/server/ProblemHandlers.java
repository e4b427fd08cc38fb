package dev.semafor.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.PayloadException;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.UnknownTaskException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an {@code application/problem+json} response with the most specific
 * status that fits. Unexpected exceptions are logged here and answered with a 500 that does not
 * leak their text.
 */
final class ProblemHandlers {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandlers.class);

  private final ObjectMapper mapper;

  ProblemHandlers(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void register(Javalin app) {
    app.exception(Problem.class, (e, ctx) -> write(ctx, e));
    app.exception(
        UnknownTaskException.class,
        (e, ctx) ->
            write(
                ctx,
                new Problem(
                    422,
                    "unknown-task",
                    "Unknown task",
                    e.getMessage(),
                    Map.of("task", e.task()))));
    app.exception(
        PayloadException.class,
        (e, ctx) ->
            write(
                ctx,
                new Problem(422, "invalid-input", "Input does not fit the task", e.getMessage())));
    app.exception(
        UniqueKeyConflictException.class,
        (e, ctx) ->
            write(
                ctx,
                new Problem(
                    409,
                    "unique-key-held",
                    "Unique key held by another job",
                    e.getMessage(),
                    Map.of("unique_key", e.uniqueKey(), "held_by", e.holderId()))));
    app.exception(
        BrokerUnavailableException.class,
        (e, ctx) -> {
          LOG.warn("broker unavailable while serving {} {}", ctx.method(), ctx.path(), e);
          write(ctx, new Problem(503, "broker-unavailable", "Broker unavailable", e.getMessage()));
        });
    app.exception(
        UnsupportedOperationException.class,
        (e, ctx) ->
            write(
                ctx,
                new Problem(
                    501,
                    "not-implemented",
                    "Not implemented by this broker",
                    String.valueOf(e.getMessage()))));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          HttpStatus status = HttpStatus.forStatus(e.getStatus());
          String detail =
              e.getMessage() == null || e.getMessage().isBlank()
                  ? status.getMessage()
                  : e.getMessage();
          if (e.getStatus() == 404) {
            detail = "no such resource: " + ctx.method() + " " + ctx.path();
          } else if (e.getStatus() == 405) {
            detail = ctx.method() + " is not allowed on " + ctx.path();
          }
          write(ctx, new Problem(e.getStatus(), slug(status), status.getMessage(), detail));
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
          write(
              ctx,
              new Problem(
                  500,
                  "internal",
                  "Internal server error",
                  "the server failed unexpectedly; its log has the details"));
        });
  }

  /**
   * Jetty's own answers to requests it refuses before any handler sees them (a path with an encoded
   * NUL, {@code /api/v1/jobs/%00/cancel}; a header too large): a problem document like every other
   * error, not its HTML error page.
   */
  ErrorHandler jettyErrors() {
    return new ErrorHandler() {
      @Override
      public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        HttpStatus s = HttpStatus.forStatus(status);
        String title = s == HttpStatus.UNKNOWN ? "Bad message" : s.getMessage();
        String detail =
            "the request is malformed: "
                + (reason == null || reason.isBlank() ? title : reason)
                + " (refused by the HTTP server before the API saw it)";
        fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        try {
          byte[] body =
              mapper.writeValueAsBytes(
                  new Problem(status, "bad-message", title, detail).body(null));
          return ByteBuffer.wrap(body);
        } catch (JsonProcessingException e) {
          return super.badMessageError(status, reason, fields);
        }
      }
    };
  }

  /** Writes {@code problem} as the response. */
  void write(Context ctx, Problem problem) {
    ctx.status(problem.status()).contentType(CONTENT_TYPE);
    if (problem.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"semafor\"");
    }
    Object retryAfter = problem.extensions().get(Problem.RETRY_AFTER_SECONDS);
    if (retryAfter != null) {
      ctx.header("Retry-After", retryAfter.toString());
    }
    try {
      ctx.result(mapper.writeValueAsString(problem.body(ctx.path())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem document", e);
    }
  }

  private static String slug(HttpStatus status) {
    return status.getMessage().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }
}
