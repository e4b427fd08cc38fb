package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.memory.MemoryBroker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job list's filters that {@code semafor jobs} has ({@code key}, {@code since}), and {@code
 * POST /api/v1/jobs/bulk/{cancel|retry|delete}} over the same filters.
 */
class BulkJobsApiTest extends ApiFixture {
  private static final String TOKEN = "bulk-test-token-0123456789";
  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T12:00:00Z"));

  private void startServer() {
    broker = new MemoryBroker(clock);
    start(builder().clock(clock));
  }

  @Test
  void listFiltersByConcurrencyKeyAndSince() {
    startServer();
    String old = enqueue("{\"task\":\"semafor.noop\",\"concurrency_limit\":1}");
    clock.advance(java.time.Duration.ofHours(2));
    String keyed =
        enqueue("{\"task\":\"semafor.noop\",\"concurrency_key\":\"smtp\",\"concurrency_limit\":1}");
    String plain = enqueue("{\"task\":\"semafor.noop\"}");

    assertThat(ids(http.get("/api/v1/jobs?concurrency_key=smtp"))).containsExactly(keyed);
    assertThat(ids(http.get("/api/v1/jobs?concurrency_key=semafor.noop"))).containsExactly(old);
    assertThat(ids(http.get("/api/v1/jobs?key=smtp"))).as("key is the unique key").isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?since=1h"))).containsExactly(plain, keyed);
    assertThat(ids(http.get("/api/v1/jobs?since=3h"))).containsExactly(plain, keyed, old);
  }

  @Test
  void listAndBulkActionsFilterByUniqueKey() {
    startServer();
    String first = enqueue("{\"task\":\"semafor.noop\",\"unique_key\":\"report-7\"}");
    broker.cancel(first);
    clock.advance(java.time.Duration.ofSeconds(1));
    String second = enqueue("{\"task\":\"semafor.noop\",\"unique_key\":\"report-7\"}");
    String other = enqueue("{\"task\":\"semafor.noop\",\"unique_key\":\"report-8\"}");

    assertThat(ids(http.get("/api/v1/jobs?key=report-7"))).containsExactly(second, first);
    assertThat(ids(http.get("/api/v1/jobs?key=report-7&state=queued"))).containsExactly(second);

    Http.Response cancelled = http.method("POST", "/api/v1/jobs/bulk/cancel?key=report-7");
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(broker.get(second).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(broker.get(other).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void badFiltersAre400() {
    startServer();
    assertProblem(http.get("/api/v1/jobs?since=soon"), 400, "bad-request");
    assertProblem(http.get("/api/v1/jobs?since=1h&from=2030-01-01T00:00:00Z"), 400, "bad-request");
    assertProblem(
        http.get("/api/v1/jobs?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"),
        400,
        "bad-request");
    assertProblem(http.method("POST", "/api/v1/jobs/bulk/retry?state=bogus"), 400, "bad-request");
  }

  @Test
  void dryRunCountsTheMatchingJobsAndChangesNothing() {
    startServer();
    List<String> dead = killed("mail", 3);
    killed("other", 1);

    JsonNode r =
        ok(http.method("POST", "/api/v1/jobs/bulk/retry?state=dead&queue=mail&dry_run=true"));

    assertThat(r.get("action").asText()).isEqualTo("retry");
    assertThat(r.get("matched").asInt()).isEqualTo(3);
    assertThat(r.get("dry_run").asBoolean()).isTrue();
    assertThat(r.has("retried")).isFalse();
    for (String id : dead) {
      assertThat(broker.get(id).orElseThrow().state()).isEqualTo(JobState.DEAD);
    }
  }

  @Test
  void bulkRetryPutsEveryMatchingDeadJobBackAndLeavesTheRest() {
    startServer();
    List<String> dead = killed("mail", 3);
    List<String> elsewhere = killed("other", 2);

    JsonNode r = ok(http.method("POST", "/api/v1/jobs/bulk/retry?state=dead&queue=mail"));

    assertThat(r.get("matched").asInt()).isEqualTo(3);
    assertThat(r.get("retried").asInt()).isEqualTo(3);
    assertThat(r.get("skipped").asInt()).isZero();
    assertThat(r.get("dry_run").asBoolean()).isFalse();
    for (String id : dead) {
      JobState state = broker.get(id).orElseThrow().state();
      assertThat(state).isEqualTo(JobState.QUEUED);
    }
    for (String id : elsewhere) {
      assertThat(broker.get(id).orElseThrow().state()).isEqualTo(JobState.DEAD);
    }
  }

  @Test
  void bulkRetrySkipsAJobWhoseUniqueKeyAnotherActiveJobHolds() {
    startServer();
    String held = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"u\",\"unique_key\":\"k-1\"}");
    killNext("u", JobError.of("x.Boom", "boom"));
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"u\",\"unique_key\":\"k-1\"}");

    JsonNode r = ok(http.method("POST", "/api/v1/jobs/bulk/retry?state=dead"));

    assertThat(r.get("matched").asInt()).isEqualTo(1);
    assertThat(r.get("retried").asInt()).isZero();
    assertThat(r.get("skipped").asInt()).isEqualTo(1);
    assertThat(broker.get(held).orElseThrow().state()).isEqualTo(JobState.DEAD);
  }

  @Test
  void bulkDeleteRemovesFinishedJobsAndSkipsWaitingOnes() {
    startServer();
    List<String> dead = killed("mail", 2);
    String waiting = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"mail\"}");

    JsonNode r = ok(http.method("POST", "/api/v1/jobs/bulk/delete?queue=mail"));

    assertThat(r.get("matched").asInt()).isEqualTo(3);
    assertThat(r.get("deleted").asInt()).isEqualTo(2);
    assertThat(r.get("skipped").asInt()).isEqualTo(1);
    for (String id : dead) {
      assertThat(broker.get(id)).isEmpty();
    }
    assertThat(broker.get(waiting)).isPresent();
  }

  @Test
  void bulkCancelCancelsWaitingJobsOfTheTask() {
    startServer();
    String a = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"c\"}");
    String b = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"c\",\"delay_ms\":60000}");
    String other = enqueue("{\"task\":\"semafor.echo\",\"queue\":\"c\"}");

    JsonNode r = ok(http.method("POST", "/api/v1/jobs/bulk/cancel?task=semafor.noop"));

    assertThat(r.get("cancelled").asInt()).isEqualTo(2);
    assertThat(broker.get(a).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(broker.get(b).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(broker.get(other).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void bulkWithoutAnyFilterIsRefusedAndAnUnknownActionIs404() {
    startServer();
    String id = killed("mail", 1).get(0);

    Http.Response none = http.method("POST", "/api/v1/jobs/bulk/delete");
    assertProblem(none, 400, "bad-request");
    assertThat(none.json().get("detail").asText()).contains("never implied");
    assertProblem(http.method("POST", "/api/v1/jobs/bulk/explode?state=dead"), 404, "not-found");
    assertProblem(http.get("/api/v1/jobs/bulk/retry?state=dead"), 405, "method-not-allowed");
    assertProblem(
        http.method("POST", "/api/v1/jobs/bulk/delete?state=dead&dry_run=yes"), 400, "bad-request");
    assertThat(broker.get(id)).isPresent();
  }

  @Test
  void bulkIsAMutationUnderTheSameGuardAsTheOthers() {
    broker = new MemoryBroker(clock);
    start(builder().clock(clock).token(TOKEN));
    http.with("Authorization", "Bearer " + TOKEN);
    String id = killed("mail", 1).get(0);
    Http anonymous = Http.to(server);

    assertProblem(
        anonymous.method("POST", "/api/v1/jobs/bulk/delete?state=dead"), 401, "unauthorized");
    assertProblem(
        http.method("POST", "/api/v1/jobs/bulk/delete?state=dead", "Sec-Fetch-Site", "cross-site"),
        403,
        "cross-site");
    assertThat(broker.get(id)).isPresent();
    assertThat(
            ok(http.method("POST", "/api/v1/jobs/bulk/delete?state=dead")).get("deleted").asInt())
        .isEqualTo(1);
  }

  private List<String> killed(String queue, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      enqueue("{\"task\":\"semafor.noop\",\"queue\":\"" + queue + "\"}");
      ids.add(killNext(queue, JobError.of("x.Boom", "boom " + i)));
    }
    return ids;
  }

  private static JsonNode ok(Http.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static List<String> ids(Http.Response r) {
    JsonNode page = ok(r);
    List<String> ids = new ArrayList<>();
    page.get("jobs").forEach(j -> ids.add(j.get("id").asText()));
    return ids;
  }
}
