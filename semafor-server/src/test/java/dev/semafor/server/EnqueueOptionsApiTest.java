package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.JobRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/jobs} takes every option {@code semafor enqueue} takes: concurrency key and
 * limit, rate limit and key, unique key and conflict policy, timeout, delay or run-at, priority,
 * attempts; with the CLI's rules for a flag that lacks its partner.
 */
class EnqueueOptionsApiTest extends ApiFixture {

  @BeforeEach
  void startServer() {
    startDefault();
  }

  @Test
  void everyJobControlOptionIsStored() {
    String id =
        enqueue(
            """
            {"task":"semafor.noop","queue":"mail","priority":7,"max_attempts":5,"delay_ms":60000,
             "timeout_ms":30000,"unique_key":"u-1","on_conflict":"replace",
             "concurrency_key":"smtp","concurrency_limit":2,
             "rate_limit":10,"rate_period_ms":1000,"rate_key":"smtp-rate"}
            """);

    JobRecord job = broker.get(id).orElseThrow();
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.priority()).isEqualTo(7);
    assertThat(job.maxAttempts()).isEqualTo(5);
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.uniqueKey()).isEqualTo("u-1");
    assertThat(job.uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
    assertThat(job.concurrencyKey()).isEqualTo("smtp");
    assertThat(job.concurrencyLimit()).isEqualTo(2);
    assertThat(job.rateKey()).isEqualTo("smtp-rate");
    assertThat(job.ratePermits()).isEqualTo(10);
    assertThat(job.ratePeriod()).isEqualTo(Duration.ofSeconds(1));
    JsonNode view = http.get("/api/v1/jobs/" + id).json();
    assertThat(view.get("concurrency_key").asText()).isEqualTo("smtp");
    assertThat(view.get("concurrency_limit").asInt()).isEqualTo(2);
  }

  @Test
  void aLimitWithoutAKeyIsKeyedByTheTaskAsTheCliDoes() {
    String id =
        enqueue(
            "{\"task\":\"semafor.noop\",\"concurrency_limit\":3,\"rate_limit\":5,"
                + "\"rate_period_ms\":60000}");

    JobRecord job = broker.get(id).orElseThrow();
    assertThat(job.concurrencyKey()).isEqualTo("semafor.noop");
    assertThat(job.concurrencyLimit()).isEqualTo(3);
    assertThat(job.rateKey()).isEqualTo("semafor.noop");
    assertThat(job.ratePermits()).isEqualTo(5);
    assertThat(job.ratePeriod()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aUniqueKeyStillHeldReturnsTheExistingJobWith200() {
    String first = enqueue("{\"task\":\"semafor.noop\",\"unique_key\":\"report-7\"}");

    Http.Response again =
        http.postJson(
            "/api/v1/jobs",
            "{\"task\":\"semafor.noop\",\"unique_key\":\"report-7\",\"on_conflict\":\"reject\"}");

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(first);
    assertThat(again.header("Location")).isEqualTo("/api/v1/jobs/" + first);
    assertThat(broker.stats().get(0).total()).isEqualTo(1);
  }

  @Test
  void onConflictReplaceCancelsTheWaitingJobAndAddsTheNewOne() {
    String first = enqueue("{\"task\":\"semafor.noop\",\"unique_key\":\"report-8\"}");

    Http.Response again =
        http.postJson(
            "/api/v1/jobs",
            "{\"task\":\"semafor.noop\",\"unique_key\":\"report-8\",\"on_conflict\":\"REPLACE\"}");

    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    String second = again.json().get("id").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(broker.get(first).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(broker.get(second).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void anOptionWithoutItsPartnerIs422NamingTheField() {
    assertField("{\"concurrency_key\":\"k\"}", "concurrency_key", "concurrency_limit");
    assertField("{\"rate_key\":\"k\"}", "rate_key", "rate_limit");
    assertField("{\"rate_limit\":5}", "rate_limit", "rate_period_ms");
    assertField("{\"rate_period_ms\":1000}", "rate_period_ms", "rate_limit");
    assertField("{\"on_conflict\":\"replace\"}", "on_conflict", "unique_key");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void optionValuesOutOfRangeAre422NamingTheField() {
    assertField("{\"concurrency_limit\":0}", "concurrency_limit", "at least 1");
    assertField("{\"concurrency_key\":\" \",\"concurrency_limit\":1}", "concurrency_key", "blank");
    assertField("{\"rate_limit\":0,\"rate_period_ms\":1000}", "rate_limit", "at least 1");
    assertField("{\"rate_limit\":1,\"rate_period_ms\":0}", "rate_period_ms", "between");
    assertField(
        "{\"rate_limit\":1,\"rate_period_ms\":10,\"rate_key\":\"a\\tb\"}", "rate_key", "control");
    assertField("{\"unique_key\":\"u\",\"on_conflict\":\"ignore\"}", "on_conflict", "ignore");
    assertField("{\"timeout_ms\":0}", "timeout_ms", "positive");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void batchJobsTakeTheSameOptions() {
    Http.Response r =
        http.postJson(
            "/api/v1/jobs/batch",
            """
            {"jobs":[{"task":"semafor.noop","concurrency_key":"k","concurrency_limit":1},
                     {"task":"semafor.noop","rate_limit":1}]}
            """);

    assertProblem(r, 422, "invalid-job");
    assertThat(r.json().get("detail").asText()).startsWith("jobs[1]: ");
    assertThat(r.json().get("field").asText()).isEqualTo("rate_limit");
    assertThat(broker.stats()).isEmpty();
  }

  /** The request's fields, the OpenAPI schema and docs/dashboard.md name the same options. */
  @Test
  void everyEnqueueFieldIsInTheOpenApiSchemaAndTheDocs() throws IOException {
    List<String> fields = new ArrayList<>();
    Arrays.stream(EnqueueRequests.EnqueueBody.class.getRecordComponents())
        .forEach(c -> fields.add(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase()));
    JsonNode schema =
        http.get("/api/v1/openapi.json")
            .json()
            .get("components")
            .get("schemas")
            .get("EnqueueRequest")
            .get("properties");
    List<String> documented = new ArrayList<>();
    schema.fieldNames().forEachRemaining(documented::add);
    assertThat(documented).containsExactlyInAnyOrderElementsOf(fields);

    String docs = Files.readString(Path.of("../docs/dashboard.md"));
    for (String field : fields) {
      assertThat(docs).as("docs/dashboard.md names " + field).contains("`" + field + "`");
    }
  }

  private void assertField(String options, String field, String detailPart) {
    String body = "{\"task\":\"semafor.noop\"," + options.substring(1);
    Http.Response r = http.postJson("/api/v1/jobs", body);
    assertProblem(r, 422, "invalid-job");
    assertThat(r.json().get("field").asText()).as(r.toString()).isEqualTo(field);
    assertThat(r.json().get("detail").asText()).as(r.toString()).contains(detailPart);
  }
}
