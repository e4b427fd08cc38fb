package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.QueueStats;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bodies, JSON or not, to the enqueue and control endpoints of one running server: every
 * answer is a success or a 4xx {@code application/problem+json} document, never a 5xx; a job is
 * stored exactly when the answer says so (a batch: all of it or none), and the server goes on
 * serving.
 */
class ApiBodyFuzzTest {
  private static MemoryBroker broker;
  private static DashboardServer server;
  private static Http http;

  @BeforeContainer
  static void start() {
    broker = new MemoryBroker();
    server =
        DashboardServer.builder(broker)
            .port(0)
            .registry(TaskRegistry.withBuiltins())
            .environment(name -> null)
            .sampleInterval(Duration.ofHours(1))
            .build()
            .start();
    http = Http.to(server);
  }

  @AfterContainer
  static void stop() {
    server.close();
    broker.close();
  }

  @Property(tries = 150)
  void anEnqueueBodyIsStoredOrRefusedWithAProblemNeverA5xx(
      @ForAll("bodies") String body, @ForAll boolean batch) {
    long before = stored();
    Http.Response r =
        batch
            ? http.postJson("/api/v1/jobs/batch", "{\"jobs\":[" + body + "," + body + "]}")
            : http.postJson("/api/v1/jobs", body);

    if (r.status() == 201) {
      JsonNode answer = r.json();
      int count = batch ? answer.get("jobs").size() : 1;
      assertThat(stored()).isEqualTo(before + count);
      assertThat(count).isEqualTo(batch ? 2 : 1);
    } else {
      assertProblem(r);
      assertThat(stored()).as("nothing stored for %s", r).isEqualTo(before);
    }
    assertStillServing();
  }

  @Property(tries = 200)
  void anyBytesWithAnyContentTypeAreRefusedOrStoredNeverA5xx(
      @ForAll byte[] body, @ForAll("contentTypes") String contentType) {
    Http.Response r =
        http.post(
            "/api/v1/jobs",
            HttpRequest.BodyPublishers.ofByteArray(body),
            "Content-Type",
            contentType);
    if (r.status() != 201) {
      assertProblem(r);
    }
    assertStillServing();
  }

  @Property(tries = 200)
  void theControlEndpointsAnswerAnyIdAndBodyWithoutA5xx(
      @ForAll("ids") String randomId,
      @ForAll @IntRange(min = -1, max = 50) int pick,
      @ForAll("bodies") String body,
      @ForAll("actions") String action) {
    // a stored job (of any state the other properties left) about half the time, else any id
    List<dev.semafor.spi.JobRecord> jobs = broker.query(JobQuery.all().page(50, 0));
    String id = pick >= 0 && pick < jobs.size() ? jobs.get(pick).id() : randomId;
    String path = "/api/v1/jobs/" + id + action;
    Http.Response r =
        action.isEmpty()
            ? http.delete(path)
            : http.post(path, HttpRequest.BodyPublishers.ofString(body));
    assertThat(r.status()).as(r.toString()).isLessThan(500);
    if (r.status() >= 400) {
      assertProblem(r);
    }
    assertStillServing();
  }

  @Example
  void aRequestJettyRefusesBeforeTheApiIsAProblemDocumentToo() {
    // found by the property above: an encoded NUL in the path got Jetty's HTML error page
    Http.Response r = http.post("/api/v1/jobs/%00/cancel", HttpRequest.BodyPublishers.noBody());

    assertProblem(r);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:semafor:problem:bad-message");
    assertThat(r.json().get("detail").asText()).startsWith("the request is malformed");
    assertStillServing();
  }

  private static long stored() {
    return broker.stats().stream().mapToLong(QueueStats::total).sum();
  }

  private static void assertProblem(Http.Response r) {
    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
    assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("status").asInt()).isEqualTo(r.status());
    assertThat(p.get("detail").asText()).as(r.toString()).isNotBlank().doesNotContain("\tat ");
  }

  private static void assertStillServing() {
    assertThat(http.get("/api/v1/info").status()).isEqualTo(200);
  }

  /** Enqueue bodies: the API's fields with values of every kind, some cut short or wrong. */
  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of(
                "0",
                "-1",
                "1.5",
                "1e999999",
                "2147483648",
                "9223372036854775808",
                "1e18",
                "-1e18",
                "null",
                "true",
                "\"\"",
                "\"\\ud800\"",
                "\"a\\u0000b\"",
                "\"a b\"",
                "[]",
                "{}",
                "\"semafor.noop\"",
                "\"semafor.sleep\"",
                "\"semafor.echo\"",
                "\"no.such\"",
                "\"+999999999-12-31T23:59:59Z\"",
                "\"1969-12-31T23:59:59Z\"",
                "\"2026-01-01T00:00:00Z\"",
                "\"x\"",
                "{\"ms\":1}",
                "{\"ms\":-1}",
                "{\"ms\":\"x\"}",
                "NaN",
                "'x'"),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.strings()
                .ofMaxLength(6)
                .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "") + "\""));
    Arbitrary<String> key =
        Arbitraries.of(
            "task",
            "task",
            "input",
            "queue",
            "priority",
            "delay_ms",
            "run_at",
            "max_attempts",
            "timeout_ms",
            "unique_key",
            "jobs",
            "delay",
            "",
            "TASK");
    Arbitrary<String> object =
        Combinators.combine(key, scalar)
            .as((k, v) -> "\"" + k + "\":" + v)
            .list()
            .ofMaxSize(5)
            .map(pairs -> "{" + String.join(",", pairs) + "}");
    Arbitrary<String> body =
        Arbitraries.frequencyOf(
            Tuple.of(6, object),
            Tuple.of(1, scalar),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(20)));
    return Combinators.combine(body, Arbitraries.integers().between(0, 12))
        .as((b, cut) -> cut < 2 ? b.substring(0, b.length() * (cut + 1) / 3) : b);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "multipart/form-data; boundary=x");
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.of("01J0000000000000000000000", "x", "%20", "%00", "..", "a%2Fb", "%E2%82"),
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30));
  }

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.of("/cancel", "/retry", "");
  }
}
