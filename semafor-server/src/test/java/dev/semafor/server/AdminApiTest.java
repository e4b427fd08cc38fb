package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobError;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminApiTest extends ApiFixture {
  private final TestClock clock = new TestClock();

  private void startOnTestClock() {
    broker = new MemoryBroker(clock);
    start(builder().clock(clock));
  }

  @Test
  void queuesShowCountsByStateAndDepth() {
    startOnTestClock();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"alpha\"}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"alpha\"}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"beta\",\"delay_ms\":60000}");
    succeedNext("alpha", null);

    JsonNode queues = http.get("/api/v1/queues").json().get("queues");

    assertThat(queues).hasSize(2);
    JsonNode alpha = queues.get(0);
    assertThat(alpha.get("queue").asText()).isEqualTo("alpha");
    assertThat(alpha.get("counts").get("queued").asLong()).isEqualTo(1);
    assertThat(alpha.get("counts").get("succeeded").asLong()).isEqualTo(1);
    assertThat(alpha.get("counts").get("dead").asLong()).isZero();
    assertThat(alpha.get("total").asLong()).isEqualTo(2);
    assertThat(alpha.get("depth").asLong()).isEqualTo(1);
    JsonNode beta = queues.get(1);
    assertThat(beta.get("counts").get("scheduled").asLong()).isEqualTo(1);
    assertThat(beta.get("depth").asLong()).isZero();
  }

  @Test
  void queuesCountLeasedJobsApartAndListJobsNoLiveWorkerCanRun() {
    startOnTestClock();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"alpha\"}");
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"alpha\"}");
    enqueue("{\"task\":\"semafor.echo\",\"queue\":\"alpha\",\"input\":1}");
    List<Lease> leases =
        broker.lease(
            new LeaseRequest(
                List.of("alpha"), 5, "w", Duration.ofMinutes(1), Set.of("semafor.noop")));
    broker.markStarted(List.of(leases.get(0).ref()));
    broker.registerWorker(
        new WorkerInfo(
            "w",
            "h",
            1,
            ExecutionModel.THREADS,
            1,
            List.of("alpha"),
            2,
            clock.instant(),
            null,
            List.of("semafor.noop")));

    JsonNode body = http.get("/api/v1/queues").json();
    JsonNode counts = body.get("queues").get(0).get("counts");
    assertThat(counts.get("running").asLong()).as("started only").isEqualTo(1);
    assertThat(counts.get("leased").asLong()).isEqualTo(1);
    assertThat(body.get("unserved")).hasSize(1);
    assertThat(body.get("unserved").get(0).get("queue").asText()).isEqualTo("alpha");
    assertThat(body.get("unserved").get(0).get("task").asText()).isEqualTo("semafor.echo");
    assertThat(body.get("unserved").get(0).get("queued").asLong()).isEqualTo(1);
    JsonNode worker = http.get("/api/v1/workers").json().get("workers").get(0);
    assertThat(worker.get("tasks")).extracting(JsonNode::asText).containsExactly("semafor.noop");

    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"alpha\"}");
    assertThat(http.get("/api/v1/queues").json().get("unserved")).hasSize(1);
    clock.advance(WorkerInfo.DEFAULT_GONE_AFTER.plusSeconds(1));
    assertThat(http.get("/api/v1/queues").json().get("unserved"))
        .as("a gone worker serves nothing")
        .hasSize(2);
  }

  @Test
  void queuesShowRatesAndHistoryFromSamples() {
    startOnTestClock();
    for (int i = 0; i < 8; i++) {
      enqueue("{\"task\":\"semafor.noop\",\"queue\":\"q\"}");
    }
    QueueSampler sampler = new QueueSampler(broker, clock, 10);
    sampler.sample();
    for (int i = 0; i < 6; i++) {
      succeedNext("q", null);
    }
    killNext("q", JobError.of("x", "y"));
    clock.advance(Duration.ofSeconds(30));
    sampler.sample();

    QueueSampler.QueueView q = sampler.views().get(0);

    assertThat(q.succeededPerMinute()).isEqualTo(6.0);
    assertThat(q.deadPerMinute()).isEqualTo(1.0);
    assertThat(q.history())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.succeeded()).isEqualTo(6);
              assertThat(step.dead()).isEqualTo(1);
              assertThat(step.at()).isEqualTo(clock.instant());
            });
  }

  @Test
  void ratesCoverTheLastMinuteOnly() {
    startOnTestClock();
    for (int i = 0; i < 5; i++) {
      enqueue("{\"task\":\"semafor.noop\",\"queue\":\"q\"}");
    }
    QueueSampler sampler = new QueueSampler(broker, clock, 100);
    sampler.sample();
    for (int i = 0; i < 3; i++) {
      succeedNext("q", null);
    }
    clock.advance(Duration.ofSeconds(30));
    sampler.sample();
    clock.advance(Duration.ofSeconds(40));
    succeedNext("q", null);
    sampler.sample();

    // the window now starts at the sample 40 s ago: only the last job counts
    assertThat(sampler.views().get(0).succeededPerMinute()).isEqualTo(1.0);
  }

  @Test
  void ratesNeverGoNegativeWhenCountsShrink() {
    startOnTestClock();
    String id = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"q\"}");
    succeedNext("q", null);
    QueueSampler sampler = new QueueSampler(broker, clock, 10);
    sampler.sample();
    broker.delete(id);
    clock.advance(Duration.ofSeconds(10));
    sampler.sample();

    QueueSampler.QueueView q = sampler.views().get(0);

    assertThat(q.succeededPerMinute()).isZero();
    assertThat(q.history()).singleElement().satisfies(s -> assertThat(s.succeeded()).isZero());
  }

  @Test
  void historyKeepsTheLatestPointsOnly() {
    startOnTestClock();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"q\"}");
    QueueSampler sampler = new QueueSampler(broker, clock, 3);
    for (int i = 0; i < 10; i++) {
      sampler.sample();
      clock.advance(Duration.ofSeconds(5));
    }

    assertThat(sampler.views().get(0).history()).hasSize(3);
  }

  @Test
  void workersShowRegistryEntriesAndWhichAreGone() {
    startOnTestClock();
    broker.registerWorker(
        new WorkerInfo(
            "w-old",
            "host-a",
            11,
            ExecutionModel.THREADS,
            4,
            List.of("a"),
            0,
            clock.instant(),
            null));
    clock.advance(Duration.ofMinutes(5));
    broker.registerWorker(
        new WorkerInfo(
            "w-new",
            "host-b",
            22,
            ExecutionModel.VIRTUAL,
            200,
            List.of("a", "b"),
            0,
            clock.instant(),
            null));
    broker.heartbeatWorker("w-new", 7);

    JsonNode workers = http.get("/api/v1/workers").json().get("workers");

    assertThat(workers).hasSize(2);
    JsonNode fresh = workers.get(0);
    assertThat(fresh.get("id").asText()).isEqualTo("w-new");
    assertThat(fresh.get("host").asText()).isEqualTo("host-b");
    assertThat(fresh.get("pid").asLong()).isEqualTo(22);
    assertThat(fresh.get("model").asText()).isEqualTo("virtual");
    assertThat(fresh.get("concurrency").asInt()).isEqualTo(200);
    assertThat(fresh.get("in_flight").asInt()).isEqualTo(7);
    assertThat(fresh.get("queues")).extracting(JsonNode::asText).containsExactly("a", "b");
    assertThat(Instant.parse(fresh.get("last_heartbeat").asText())).isEqualTo(clock.instant());
    assertThat(fresh.get("status").asText()).isEqualTo("active");
    assertThat(workers.get(1).get("status").asText()).isEqualTo("gone");
  }

  @Test
  void schedulesIsAnEmptyListUntilAWorkerRunsOne() {
    startDefault();

    JsonNode body = http.get("/api/v1/schedules").json();

    assertThat(body.get("schedules").isArray()).isTrue();
    assertThat(body.get("schedules")).isEmpty();
  }

  @Test
  void schedulesComeFromTheBrokerByDefault() {
    broker = new MemoryBroker();
    Instant tick = Instant.parse("2030-01-01T03:00:00Z");
    broker.claimTick(
        new dev.semafor.spi.ScheduleRecord(
            "nightly",
            "0 3 * * *",
            java.time.ZoneId.of("UTC"),
            "semafor.noop",
            "reports",
            tick,
            tick.plusSeconds(86_400)),
        tick,
        null);
    start(builder());

    JsonNode s = http.get("/api/v1/schedules").json().get("schedules").get(0);

    assertThat(s.get("name").asText()).isEqualTo("nightly");
    assertThat(s.get("queue").asText()).isEqualTo("reports");
    assertThat(s.get("last_run_at").asText()).isEqualTo("2030-01-01T03:00:00Z");
    assertThat(s.get("next_run_at").asText()).isEqualTo("2030-01-02T03:00:00Z");
  }

  @Test
  void schedulesComeFromTheScheduleSource() {
    broker = new MemoryBroker();
    Instant next = Instant.parse("2030-01-02T00:00:00Z");
    start(
        builder()
            .schedules(
                () ->
                    List.of(
                        new ScheduleSource.Schedule(
                            "nightly",
                            "0 0 * * *",
                            "UTC",
                            "semafor.noop",
                            "default",
                            next,
                            null))));

    JsonNode s = http.get("/api/v1/schedules").json().get("schedules").get(0);

    assertThat(s.get("name").asText()).isEqualTo("nightly");
    assertThat(s.get("cron").asText()).isEqualTo("0 0 * * *");
    assertThat(s.get("zone").asText()).isEqualTo("UTC");
    assertThat(s.get("next_run_at").asText()).isEqualTo("2030-01-02T00:00:00Z");
    assertThat(s.get("last_run_at").isNull()).isTrue();
  }

  @Test
  void infoNamesTheBrokerAndTheKnownTasks() {
    startDefault();

    JsonNode info = http.get("/api/v1/info").json();

    assertThat(info.get("broker").asText()).isEqualTo("memory:");
    assertThat(info.get("tasks"))
        .extracting(JsonNode::asText)
        .contains("semafor.noop", "semafor.fail");
  }

  @Test
  void openApiDocumentDescribesExactlyTheRegisteredApiRoutes() {
    startDefault();
    Http.Response r = http.get("/api/v1/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.get("openapi").asText()).startsWith("3.");

    List<String> registered =
        server.routes().stream().filter(route -> route.contains(" /api/")).sorted().toList();
    List<String> documented = new ArrayList<>();
    for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
      String path = paths.next();
      for (Iterator<String> methods = doc.get("paths").get(path).fieldNames();
          methods.hasNext(); ) {
        String method = methods.next();
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        assertThat(doc.get("paths").get(path).get(method).get("responses"))
            .as("responses of %s %s", method, path)
            .isNotEmpty();
      }
    }

    assertThat(registered).hasSizeGreaterThanOrEqualTo(12);
    assertThat(documented.stream().sorted().toList()).containsExactlyElementsOf(registered);
  }

  @Test
  void openApiReferencesResolve() {
    startDefault();
    JsonNode doc = http.get("/api/v1/openapi.json").json();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);

    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("target of %s", ref).isFalse();
    }
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }
}
