package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobError;
import dev.semafor.JobState;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobsApiTest extends ApiFixture {

  @BeforeEach
  void startServer() {
    startDefault();
  }

  // ---- enqueue ----

  @Test
  void enqueueStoresTheJobAndAnswers201WithSnakeCaseFieldsAndLocation() {
    Http.Response r =
        http.postJson(
            "/api/v1/jobs",
            """
            {"task":"semafor.primes","input":{"n":97},"queue":"math","priority":5,"max_attempts":4}
            """);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode job = r.json();
    String id = job.get("id").asText();
    assertThat(r.header("Location")).isEqualTo("/api/v1/jobs/" + id);
    assertThat(job.get("task").asText()).isEqualTo("semafor.primes");
    assertThat(job.get("queue").asText()).isEqualTo("math");
    assertThat(job.get("state").asText()).isEqualTo("queued");
    assertThat(job.get("priority").asInt()).isEqualTo(5);
    assertThat(job.get("max_attempts").asInt()).isEqualTo(4);
    assertThat(job.get("input").get("n").asInt()).isEqualTo(97);
    assertThat(job.has("enqueued_at")).isTrue();
    assertThat(job.has("maxAttempts")).isFalse();

    var stored = broker.get(id).orElseThrow();
    assertThat(stored.state()).isEqualTo(JobState.QUEUED);
    assertThat(stored.queue()).isEqualTo("math");
    assertThat(stored.priority()).isEqualTo(5);
    assertThat(stored.maxAttempts()).isEqualTo(4);
    assertThat(stored.input()).isEqualTo("{\"n\":97}");
  }

  @Test
  void enqueueWithDelayOrRunAtSchedulesTheJob() {
    Instant before = Instant.now();
    String delayed = enqueue("{\"task\":\"semafor.noop\",\"delay_ms\":60000}");
    String at = enqueue("{\"task\":\"semafor.noop\",\"run_at\":\"2099-01-01T00:00:00Z\"}");

    var d = broker.get(delayed).orElseThrow();
    assertThat(d.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(d.runAt()).isAfterOrEqualTo(before.plusSeconds(60));
    var a = broker.get(at).orElseThrow();
    assertThat(a.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(a.runAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
  }

  @Test
  void enqueueWithoutInputStoresJsonNull() {
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    assertThat(broker.get(id).orElseThrow().input()).isEqualTo("null");
    assertThat(broker.get(id).orElseThrow().queue()).isEqualTo("default");
  }

  @Test
  void unknownTaskIs422AndNamesTheKnownTasks() {
    Http.Response r = http.postJson("/api/v1/jobs", "{\"task\":\"no.such.task\"}");

    assertProblem(r, 422, "unknown-task");
    JsonNode p = r.json();
    assertThat(p.get("task").asText()).isEqualTo("no.such.task");
    assertThat(p.get("known_tasks"))
        .extracting(JsonNode::asText)
        .contains("semafor.noop", "semafor.primes");
    assertThat(p.get("detail").asText()).contains("no.such.task", "semafor.echo");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(http.postJson("/api/v1/jobs", "{\"task\": "), 400, "malformed-json");
    assertProblem(http.postJson("/api/v1/jobs", "{} {}"), 400, "bad-request");
    assertProblem(http.postJson("/api/v1/jobs", ""), 400, "bad-request");
    assertProblem(http.postJson("/api/v1/jobs", "null"), 400, "bad-request");
    assertProblem(http.postJson("/api/v1/jobs", "[1,2]"), 400, "bad-request");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void unknownFieldIs400SoTyposAreNotIgnored() {
    Http.Response r = http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"delay\":5000}");

    assertProblem(r, 400, "bad-request");
    assertThat(r.json().get("detail").asText()).contains("'delay'", "delay_ms");
  }

  /** A body of the wrong shape is 400 naming the field and what it takes, in JSON's terms. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "/api/v1/jobs | {\"task\":\"semafor.noop\",\"priority\":\"high\"}"
            + " | 'priority' must be a whole number, not \"high\"",
        "/api/v1/jobs | {\"task\":\"semafor.noop\",\"run_at\":\"tomorrow\"}"
            + " | 'run_at' must be an ISO-8601 time such as \"2030-01-01T00:00:00Z\"",
        "/api/v1/jobs | {\"task\":\"semafor.noop\",\"delay_ms\":1.5}"
            + " | 'delay_ms' must be a whole number, not 1.5",
        "/api/v1/jobs | {\"task\":[\"a\"]} | 'task' must be a string",
        "/api/v1/jobs | [1] | the body must be a JSON object",
        "/api/v1/jobs/batch | {\"jobs\":{}} | 'jobs' must be a list",
        "/api/v1/jobs/batch | {\"jobs\":[{\"task\":\"semafor.noop\",\"max_attempts\":[]}]}"
            + " | 'jobs[0].max_attempts' must be a whole number"
      })
  void wrongShapeIs400AndSaysWhatTheFieldTakes(String path, String body, String detail) {
    Http.Response r = http.postJson(path, body);

    assertProblem(r, 400, "bad-request");
    assertThat(r.json().get("detail").asText())
        .startsWith("wrong shape: " + detail)
        .doesNotContain("java", "dev.semafor", "`", "Cannot deserialize");
  }

  @Test
  void missingTaskIs400() {
    assertProblem(http.postJson("/api/v1/jobs", "{\"input\":1}"), 400, "bad-request");
  }

  /**
   * An input that does not fit the task is 422 in the words of {@code semafor enqueue} ({@link
   * InputCheck}): JSON's terms, the shape the task takes, no Java type or Jackson advice; a batch
   * names the job's index.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "/api/v1/jobs | {\"task\":\"semafor.sleep\",\"input\":{\"ms\":\"soon\"}}"
            + " | input does not fit task 'semafor.sleep' (it takes {\"ms\": a whole number}):"
            + " 'ms' must be a whole number, not \"soon\"",
        "/api/v1/jobs | {\"task\":\"semafor.primes\",\"input\":{\"n\":5,\"x\":1}}"
            + " | input does not fit task 'semafor.primes' (it takes {\"n\": a whole number}):"
            + " unknown field 'x'",
        "/api/v1/jobs/batch | {\"jobs\":[{\"task\":\"semafor.primes\",\"input\":{\"n\":3}},"
            + "{\"task\":\"semafor.primes\",\"input\":null}]}"
            + " | jobs[1]: input does not fit task 'semafor.primes' (it takes {\"n\": a whole"
            + " number}): expected {\"n\": a whole number}, not null"
      })
  void inputThatDoesNotFitTheTaskIs422SayingWhatItTakes(String path, String body, String detail) {
    Http.Response r = http.postJson(path, body);

    assertProblem(r, 422, "invalid-input");
    assertThat(r.json().get("detail").asText()).isEqualTo(detail);
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void optionsOutOfRangeAre422() {
    assertProblem(
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"max_attempts\":0}"),
        422,
        "invalid-job");
    assertProblem(
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"delay_ms\":-1}"),
        422,
        "invalid-job");
    assertProblem(
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"queue\":\" \"}"),
        422,
        "invalid-job");
    Http.Response both =
        http.postJson(
            "/api/v1/jobs",
            "{\"task\":\"semafor.noop\",\"delay_ms\":5,\"run_at\":\"2099-01-01T00:00:00Z\"}");
    assertProblem(both, 422, "invalid-job");
    assertThat(both.json().get("detail").asText()).contains("not both");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void timesOutOfRangeAre422NamingTheFieldNot500() {
    Http.Response farRunAt =
        http.postJson(
            "/api/v1/jobs",
            "{\"task\":\"semafor.noop\",\"run_at\":\"+999999999-12-31T23:59:59Z\"}");
    Http.Response hugeDelay =
        http.postJson(
            "/api/v1/jobs", "{\"task\":\"semafor.noop\",\"delay_ms\":1000000000000000000}");
    Http.Response hugeTimeout =
        http.postJson(
            "/api/v1/jobs", "{\"task\":\"semafor.noop\",\"timeout_ms\":9223372036854775807}");

    assertProblem(farRunAt, 422, "invalid-job");
    assertThat(farRunAt.json().get("field").asText()).isEqualTo("run_at");
    assertThat(farRunAt.json().get("detail").asText()).startsWith("\"run_at\": run-at must be");
    assertProblem(hugeDelay, 422, "invalid-job");
    assertThat(hugeDelay.json().get("field").asText()).isEqualTo("delay_ms");
    assertProblem(hugeTimeout, 422, "invalid-job");
    assertThat(hugeTimeout.json().get("field").asText()).isEqualTo("timeout_ms");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void inputThatReadingWouldChangeIsRefusedNotStored() {
    Http.Response infinity =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.echo\",\"input\":{\"x\":1e999999}}");
    Http.Response surrogate =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.echo\",\"input\":{\"s\":\"a\\ud800\"}}");
    Http.Response duplicate =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.echo\",\"task\":\"semafor.noop\"}");
    Http.Response duplicateInInput =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.echo\",\"input\":{\"a\":1,\"a\":2}}");
    Http.Response newlineQueue =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"queue\":\"a\\nb\"}");
    Http.Response surrogateQueue =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\",\"queue\":\"q\\udc00\"}");

    assertProblem(infinity, 400, "refused-json");
    assertThat(infinity.json().get("detail").asText()).contains("1e999999").contains("input");
    assertProblem(surrogate, 400, "refused-json");
    assertThat(surrogate.json().get("detail").asText()).contains("surrogate");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.json().get("detail").asText()).contains("Duplicate field 'task'");
    assertThat(duplicateInInput.status()).isEqualTo(400);
    assertThat(duplicateInInput.json().get("detail").asText()).contains("Duplicate field 'a'");
    assertProblem(newlineQueue, 422, "invalid-job");
    assertThat(newlineQueue.json().get("field").asText()).isEqualTo("queue");
    assertThat(newlineQueue.json().get("detail").asText()).contains("U+000A").doesNotContain("\n");
    assertThat(surrogateQueue.status()).isEqualTo(400);
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void bodyThatIsNotJsonContentTypeIs415() {
    Http.Response r =
        http.post(
            "/api/v1/jobs",
            HttpRequest.BodyPublishers.ofString("{\"task\":\"semafor.noop\"}"),
            "Content-Type",
            "text/plain");

    assertProblem(r, 415, "unsupported-media-type");
  }

  @Test
  void oversizeBodyIs413WithOrWithoutContentLength() {
    String big = "{\"task\":\"semafor.echo\",\"input\":\"" + "x".repeat(1 << 20) + "\"}";

    assertProblem(http.postJson("/api/v1/jobs", big), 413, "too-large");
    Http.Response chunked =
        http.post(
            "/api/v1/jobs",
            HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.getBytes())),
            "Content-Type",
            "application/json");
    assertProblem(chunked, 413, "too-large");
    assertThat(broker.stats()).isEmpty();
  }

  // ---- batch ----

  @Test
  void batchStoresEveryJobInOrder() {
    Http.Response r =
        http.postJson(
            "/api/v1/jobs/batch",
            """
            {"jobs":[{"task":"semafor.noop","queue":"b"},{"task":"semafor.echo","input":[1],"queue":"b"}]}
            """);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode jobs = r.json().get("jobs");
    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(0).get("task").asText()).isEqualTo("semafor.noop");
    assertThat(jobs.get(1).get("task").asText()).isEqualTo("semafor.echo");
    for (JsonNode j : jobs) {
      assertThat(broker.get(j.get("id").asText())).isPresent();
    }
  }

  @Test
  void batchWithOneBadJobStoresNoneAndNamesTheIndex() {
    Http.Response r =
        http.postJson(
            "/api/v1/jobs/batch", "{\"jobs\":[{\"task\":\"semafor.noop\"},{\"task\":\"nope\"}]}");

    assertProblem(r, 422, "unknown-task");
    assertThat(r.json().get("detail").asText()).startsWith("jobs[1]:");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void emptyOrMissingBatchIs400() {
    assertProblem(http.postJson("/api/v1/jobs/batch", "{\"jobs\":[]}"), 400, "bad-request");
    assertProblem(http.postJson("/api/v1/jobs/batch", "{}"), 400, "bad-request");
    assertProblem(http.postJson("/api/v1/jobs/batch", "{\"jobs\":[null]}"), 400, "bad-request");
  }

  @Test
  void batchLargerThanTheLimitIs413() {
    server.close();
    start(builder().maxBatch(3));
    String job = "{\"task\":\"semafor.noop\"}";
    String four = "{\"jobs\":[" + String.join(",", List.of(job, job, job, job)) + "]}";

    assertProblem(http.postJson("/api/v1/jobs/batch", four), 413, "too-large");
    assertThat(broker.stats()).isEmpty();
  }

  // ---- get ----

  @Test
  void getShowsInputResultAndError() {
    String ok = enqueue("{\"task\":\"semafor.echo\",\"input\":{\"a\":1},\"queue\":\"q\"}");
    succeedNext("q", "{\"a\":1}");
    String bad =
        enqueue(
            "{\"task\":\"semafor.fail\",\"input\":{\"message\":\"m\"},\"queue\":\"q\",\"max_attempts\":1}");
    killNext("q", JobError.of(new IllegalStateException("it broke")));

    JsonNode done = http.get("/api/v1/jobs/" + ok).json();
    assertThat(done.get("state").asText()).isEqualTo("succeeded");
    assertThat(done.get("result").get("a").asInt()).isEqualTo(1);
    assertThat(done.get("attempts").asInt()).isEqualTo(1);
    assertThat(done.get("finished_at").isNull()).isFalse();

    JsonNode dead = http.get("/api/v1/jobs/" + bad).json();
    assertThat(dead.get("state").asText()).isEqualTo("dead");
    assertThat(dead.get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(dead.get("error").get("message").asText()).isEqualTo("it broke");
    assertThat(dead.get("error").get("stack_trace").asText()).contains("JobsApiTest");
    assertThat(dead.get("result").isNull()).isTrue();
  }

  @Test
  void getUnknownJobIs404() {
    assertProblem(http.get("/api/v1/jobs/NOPE"), 404, "not-found");
  }

  // ---- list ----

  @Test
  void listFiltersByQueueTaskAndState() {
    String a1 = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"a\"}");
    String a2 = enqueue("{\"task\":\"semafor.echo\",\"queue\":\"a\"}");
    String b1 = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"b\"}");
    succeedNext("b", null);

    assertThat(ids(http.get("/api/v1/jobs"))).containsExactly(b1, a2, a1);
    assertThat(ids(http.get("/api/v1/jobs?queue=a"))).containsExactly(a2, a1);
    assertThat(ids(http.get("/api/v1/jobs?task=semafor.noop"))).containsExactly(b1, a1);
    assertThat(ids(http.get("/api/v1/jobs?state=succeeded"))).containsExactly(b1);
    assertThat(ids(http.get("/api/v1/jobs?state=QUEUED,succeeded"))).containsExactly(b1, a2, a1);
    assertThat(ids(http.get("/api/v1/jobs?state=dead&state=succeeded"))).containsExactly(b1);
    assertThat(ids(http.get("/api/v1/jobs?queue=a&task=semafor.echo"))).containsExactly(a2);
  }

  @Test
  void listRowsLeaveOutInputResultAndStack() {
    enqueue("{\"task\":\"semafor.echo\",\"input\":{\"secret\":\"big\"}}");

    JsonNode row = http.get("/api/v1/jobs").json().get("jobs").get(0);
    assertThat(row.has("input")).isFalse();
    assertThat(row.has("result")).isFalse();
    assertThat(row.get("state").asText()).isEqualTo("queued");
  }

  @Test
  void listFiltersByEnqueueTimeRange() {
    String id = enqueue("{\"task\":\"semafor.noop\"}");
    Instant at = broker.get(id).orElseThrow().enqueuedAt();

    assertThat(ids(http.get("/api/v1/jobs?from=" + at))).containsExactly(id);
    assertThat(ids(http.get("/api/v1/jobs?from=" + at.plusSeconds(1)))).isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?to=" + at))).isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?from=" + at.minusSeconds(5) + "&to=" + at.plusMillis(1))))
        .containsExactly(id);
  }

  @Test
  void listPagesWithLimitOffsetAndHasMore() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(0, enqueue("{\"task\":\"semafor.noop\"}"));
    }

    JsonNode first = http.get("/api/v1/jobs?limit=2").json();
    assertThat(ids(first)).containsExactlyElementsOf(all.subList(0, 2));
    assertThat(first.get("has_more").asBoolean()).isTrue();
    JsonNode last = http.get("/api/v1/jobs?limit=2&offset=4").json();
    assertThat(ids(last)).containsExactly(all.get(4));
    assertThat(last.get("has_more").asBoolean()).isFalse();
    assertThat(last.get("limit").asInt()).isEqualTo(2);
    assertThat(last.get("offset").asInt()).isEqualTo(4);
  }

  @Test
  void badListParametersAre400() {
    assertProblem(http.get("/api/v1/jobs?state=exploded"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?limit=0"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?limit=501"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?limit=ten"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?offset=-1"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?from=yesterday"), 400, "bad-request");
  }

  // ---- cancel ----

  @Test
  void cancelWaitingJobCancelsItAtOnce() {
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    Http.Response r = http.method("POST", "/api/v1/jobs/" + id + "/cancel");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("result").asText()).isEqualTo("cancelled");
    assertThat(r.json().get("job").get("state").asText()).isEqualTo("cancelled");
    assertThat(broker.get(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void cancelRunningJobRequestsCancellation() {
    String id = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"r\"}");
    leaseOne("r");

    Http.Response r = http.method("POST", "/api/v1/jobs/" + id + "/cancel");

    assertThat(r.json().get("result").asText()).isEqualTo("cancel_requested");
    assertThat(broker.get(id).orElseThrow().cancelRequested()).isTrue();
  }

  @Test
  void cancelFinishedJobIs409AndUnknownIs404() {
    String id = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"f\"}");
    succeedNext("f", null);

    assertProblem(http.method("POST", "/api/v1/jobs/" + id + "/cancel"), 409, "conflict");
    assertProblem(http.method("POST", "/api/v1/jobs/NOPE/cancel"), 404, "not-found");
  }

  // ---- retry ----

  @Test
  void retryPutsADeadJobBackOnItsQueue() {
    String id =
        enqueue("{\"task\":\"semafor.fail\",\"input\":{},\"queue\":\"d\",\"max_attempts\":1}");
    killNext("d", JobError.of("x.Boom", "boom"));

    Http.Response r = http.method("POST", "/api/v1/jobs/" + id + "/retry");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("state").asText()).isEqualTo("queued");
    assertThat(r.json().get("attempts").asInt()).isZero();
    assertThat(r.json().get("error").get("message").asText()).isEqualTo("boom");
    assertThat(leaseOne("d").job().id()).isEqualTo(id);
  }

  @Test
  void retryOfAJobThatIsNotDeadOrCancelledIs409() {
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    Http.Response r = http.method("POST", "/api/v1/jobs/" + id + "/retry");

    assertProblem(r, 409, "conflict");
    assertThat(r.json().get("detail").asText()).contains("queued");
    assertProblem(http.method("POST", "/api/v1/jobs/NOPE/retry"), 404, "not-found");
  }

  @Test
  void retryWhileAnotherJobHoldsTheUniqueKeyIs409AndNamesTheHolder() {
    String first = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"u\",\"unique_key\":\"r-7\"}");
    http.method("POST", "/api/v1/jobs/" + first + "/cancel");
    String holder = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"u\",\"unique_key\":\"r-7\"}");

    Http.Response r = http.method("POST", "/api/v1/jobs/" + first + "/retry");

    assertProblem(r, 409, "unique-key-held");
    assertThat(r.json().get("detail").asText()).contains(first, "'r-7'", holder, "queued");
    assertThat(r.json().get("unique_key").asText()).isEqualTo("r-7");
    assertThat(r.json().get("held_by").asText()).isEqualTo(holder);
    assertThat(broker.get(first).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  // ---- delete ----

  @Test
  void deleteRemovesAFinishedJob() {
    String id = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"x\"}");
    succeedNext("x", null);

    Http.Response r = http.delete("/api/v1/jobs/" + id);

    assertThat(r.status()).as(r.toString()).isEqualTo(204);
    assertThat(broker.get(id)).isEmpty();
    assertProblem(http.get("/api/v1/jobs/" + id), 404, "not-found");
    assertProblem(http.delete("/api/v1/jobs/" + id), 404, "not-found");
  }

  @Test
  void deleteOfAnUnfinishedJobIs409() {
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    assertProblem(http.delete("/api/v1/jobs/" + id), 409, "conflict");
    assertThat(broker.get(id)).isPresent();
  }

  // ---- routing ----

  @Test
  void unknownRouteIs404AndWrongMethodIs405AsProblems() {
    assertProblem(http.get("/api/v1/nothing-here"), 404, "not-found");
    Http.Response r = http.method("PUT", "/api/v1/jobs");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }

  private static List<String> ids(Http.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return ids(r.json());
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("jobs").forEach(j -> ids.add(j.get("id").asText()));
    return ids;
  }
}
