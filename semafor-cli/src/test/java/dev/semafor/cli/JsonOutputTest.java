package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.JobError;
import dev.semafor.ReportJson;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.server.DashboardServer;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.Lease;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One JSON style across the command line and the HTTP API: every {@code --json} output and every
 * endpoint has snake_case keys and no number in scientific notation, and a job reads the same from
 * {@code semafor job --json} and {@code GET /api/v1/jobs/{id}}.
 */
class JsonOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final SqliteFixture db = new SqliteFixture();

  /** Runs a command on this test's broker; it must succeed and print one report-style object. */
  private JsonNode json(String... args) {
    Result r = db.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return styled(r.out().strip());
  }

  private static JsonNode styled(String text) {
    assertThat(text).as("one line").doesNotContain("\n");
    assertThat(ReportJson.violations(text)).as(text).isEmpty();
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Test
  void enqueuePrintsTheJobOrTheBatch() {
    JsonNode one = json("enqueue", "semafor.noop", "--queue", "mail", "--json");
    assertThat(one.get("id").asText()).isNotBlank();
    assertThat(one.get("task").asText()).isEqualTo("semafor.noop");
    assertThat(one.get("queue").asText()).isEqualTo("mail");
    assertThat(one.get("existing").asBoolean()).isFalse();
    assertThat(db.broker().get(one.get("id").asText())).isPresent();

    JsonNode many = json("enqueue", "semafor.noop", "--count", "3", "--json");
    assertThat(many.get("count").asInt()).isEqualTo(3);
    assertThat(many.get("first_id").asText()).isLessThan(many.get("last_id").asText());
  }

  @Test
  void cancelSaysWhatHappenedToEachJob() {
    String waiting = json("enqueue", "semafor.noop", "--json").get("id").asText();

    JsonNode r = json("cancel", waiting, "--json");

    assertThat(r.get("jobs")).hasSize(1);
    assertThat(r.at("/jobs/0/id").asText()).isEqualTo(waiting);
    assertThat(r.at("/jobs/0/result").asText()).isEqualTo("cancelled");
    assertThat(r.at("/jobs/0/state").asText()).isEqualTo("cancelled");
    JsonNode again = json("cancel", waiting, "--json");
    assertThat(again.at("/jobs/0/result").asText()).isEqualTo("already_finished");
  }

  @Test
  void cancelOfAnUnknownIdStillPrintsTheObjectAndExitsNonZero() {
    String waiting = json("enqueue", "semafor.noop", "--json").get("id").asText();

    Result r = CliRun.run("cancel", waiting, "nope", "--json", "--broker", db.url());

    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines())
        .containsExactly("semafor cancel: no job with id 'nope' in " + db.url());
    JsonNode out = styled(r.out().strip());
    assertThat(out.at("/jobs/1/result").asText()).isEqualTo("not_found");
    assertThat(out.at("/jobs/1/state").isNull()).isTrue();
  }

  @Test
  void retryCountsByIdAndByQuery() {
    String a = json("enqueue", "semafor.noop", "--json").get("id").asText();
    String b = json("enqueue", "semafor.noop", "--json").get("id").asText();
    db.broker().fail(Failure.dead(db.leaseOne().ref(), JobError.of("test.Boom", "boom")));

    JsonNode byId = json("retry", a, "--json");
    assertThat(byId.get("retried").asInt()).isEqualTo(1);
    assertThat(byId.get("refused").asInt()).isZero();
    assertThat(byId.at("/jobs/0/id").asText()).isEqualTo(a);
    assertThat(byId.at("/jobs/0/retried").asBoolean()).isTrue();

    assertThat(CliRun.run("cancel", b, "--broker", db.url()).code()).isZero();
    JsonNode byQuery = json("retry", "--state", "cancelled", "--json");
    assertThat(byQuery.get("retried").asInt()).isEqualTo(1);
    assertThat(byQuery.get("state").asText()).isEqualTo("cancelled");
  }

  @Test
  void schedulesShowWhatTheApiShows() {
    assertThat(json("schedules", "--json").get("schedules")).isEmpty();
    // registered at 12:34 the day before (a mark, not a tick of its cron): no tick ran yet
    Instant registered = Instant.parse("2029-12-31T10:34:05.123Z");
    db.claimNightly(registered, Instant.parse("2030-01-01T01:00:00Z"));
    JsonNode fresh = json("schedules", "--json").at("/schedules/0");
    assertThat(fresh.get("last_run_at").isNull()).as(fresh.toString()).isTrue();
    assertThat(fresh.get("next_run_at").asText()).isEqualTo("2030-01-01T01:00:00Z");

    Instant tick = Instant.parse("2030-01-01T01:00:00Z"); // 03:00 in Sofia
    db.claimNightly(tick, tick.plus(Duration.ofDays(1)));

    JsonNode s = json("schedules", "--json").at("/schedules/0");

    assertThat(s.get("name").asText()).isEqualTo("nightly");
    assertThat(s.get("zone").asText()).isEqualTo("Europe/Sofia");
    assertThat(s.get("queue").asText()).isEqualTo("reports");
    assertThat(s.get("last_run_at").asText()).isEqualTo("2030-01-01T01:00:00Z");
    assertThat(s.get("next_run_at").asText()).isEqualTo("2030-01-02T01:00:00Z");
  }

  @Test
  void aStoppedWorkerPrintsItsSummaryAsOneObject() {
    json("enqueue", "semafor.noop", "--count", "2", "--json");

    JsonNode summary = json("worker", "--burst", "--json");

    assertThat(summary.get("worker_id").asText()).isNotBlank();
    assertThat(summary.get("succeeded").asInt()).isEqualTo(2);
    assertThat(summary.get("dead").asInt()).isZero();
    assertThat(summary.get("lost").asInt()).isZero();
  }

  @Test
  void aJobReadsTheSameFromTheCommandLineAndTheHttpApi() throws Exception {
    String id = json("enqueue", "semafor.echo", "{\"x\":0.000123456}", "--json").get("id").asText();
    Lease lease = db.leaseOne();
    db.broker().complete(new Completion(lease.ref(), "{\"x\":0.000123456}"));

    JsonNode cli = json("job", id, "--json");
    try (DashboardServer server = DashboardServer.builder(db.broker()).port(0).build().start()) {
      String body = get(server, "/api/v1/jobs/" + id);
      JsonNode http = styled(body);

      assertThat(cli).isEqualTo(http);
      assertThat(fieldNames(cli))
          .as("the OpenAPI document's Job describes exactly the job view")
          .isEqualTo(fieldNames(openApiSchema("Job").get("properties")));
      assertThat(cli.get("state").asText()).isEqualTo("succeeded");
      assertThat(cli.at("/result/x").asDouble()).isEqualTo(0.000123456);
      for (String path :
          List.of("/api/v1/jobs", "/api/v1/queues", "/api/v1/workers", "/api/v1/schedules")) {
        styled(get(server, path));
      }
    }
  }

  @Test
  void statusAndJobsAreInTheSameStyle() {
    json("enqueue", "semafor.noop", "--json");
    JsonNode status = json("status", "--json");
    assertThat(status.at("/queues/0/queue").asText()).isEqualTo("default");
    JsonNode jobs = json("jobs", "--json");
    assertThat(jobs.at("/jobs/0/state").asText()).isEqualTo("queued");
  }

  @Test
  void benchDemoAndLabReportInTheSameStyle() {
    JsonNode bench = json("bench", "--jobs", "20", "--batch", "5", "--json");
    assertThat(bench.get("succeeded").asInt()).isEqualTo(20);
    JsonNode demo = json("demo", "--model", "threads", "-c", "2", "--json");
    assertThat(demo.at("/results/0/state").asText()).isEqualTo("succeeded");
    assertThat(demo.at("/results/0/ran_on").asText()).isNotBlank();

    Result lab = CliRun.run("lab", "contention", "--units", "2", "--increments", "1000", "--json");
    assertThat(lab.code()).as(lab.err()).isZero();
    assertThat(styled(lab.out().strip()).at("/rows/0/nanos_per_increment").isNumber()).isTrue();
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode openApiSchema(String name) throws Exception {
    try (InputStream in = DashboardServer.class.getResourceAsStream("openapi.json")) {
      return JSON.readTree(in).at("/components/schemas/" + name);
    }
  }

  private static String get(DashboardServer server, String path) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(server.url()).resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }
}
