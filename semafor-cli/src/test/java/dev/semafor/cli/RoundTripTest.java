package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enqueue → worker → job → status, each a separate command on one SQLite file. */
class RoundTripTest {
  @TempDir Path dir;
  String broker;

  @BeforeEach
  void setUp() {
    broker = "sqlite:" + dir.resolve("semafor.db");
  }

  private JsonNode json(Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(1);
    return Json.defaults().mapper().readTree(r.out());
  }

  @Test
  void enqueuedJobIsQueuedThenSucceededAfterABurstWorker() throws Exception {
    Result enqueued =
        CliRun.run("enqueue", "semafor.primes", "{\"n\": 97}", "-b", broker, "--queue", "maths");
    assertThat(enqueued.code()).as(enqueued.err()).isZero();
    String id = enqueued.lastOutLine();

    JsonNode queued = json(CliRun.run("job", id, "-b", broker, "--json"));
    assertThat(queued.get("id").asText()).isEqualTo(id);
    assertThat(queued.get("task").asText()).isEqualTo("semafor.primes");
    assertThat(queued.get("queue").asText()).isEqualTo("maths");
    assertThat(queued.get("state").asText()).isEqualTo("queued");
    assertThat(queued.get("attempts").asInt()).isZero();
    assertThat(queued.get("input").get("n").asLong()).isEqualTo(97);
    assertThat(queued.get("started_at").isNull()).isTrue();
    Instant.parse(queued.get("enqueued_at").asText());

    JsonNode before = json(CliRun.run("status", "-b", broker, "--json"));
    assertThat(before.at("/queues/0/queue").asText()).isEqualTo("maths");
    assertThat(before.at("/queues/0/counts/queued").asLong()).isEqualTo(1);

    Result worker = CliRun.run("worker", "-b", broker, "--queues", "maths", "--burst");
    assertThat(worker.code()).as(worker.err()).isZero();
    assertThat(worker.lastOutLine()).contains("stopped: 1 succeeded");

    JsonNode done = json(CliRun.run("job", id, "-b", broker, "--json"));
    assertThat(done.get("state").asText()).isEqualTo("succeeded");
    assertThat(done.get("attempts").asInt()).isEqualTo(1);
    assertThat(done.get("result").get("prime").asBoolean()).isTrue();
    assertThat(done.get("error").isNull()).isTrue();
    Instant started = Instant.parse(done.get("started_at").asText());
    Instant finished = Instant.parse(done.get("finished_at").asText());
    assertThat(finished).isAfterOrEqualTo(started);

    JsonNode after = json(CliRun.run("status", "-b", broker, "--json"));
    assertThat(after.at("/queues/0/counts/succeeded").asLong()).isEqualTo(1);
    assertThat(after.at("/totals/total").asLong()).isEqualTo(1);

    Result table = CliRun.run("status", "-b", broker);
    assertThat(table.outLines().get(0))
        .matches("QUEUE\\s+SCHEDULED\\s+QUEUED\\s+LEASED\\s+RUNNING.*TOTAL");
    assertThat(table.outLines().get(1)).matches("maths\\s+0\\s+0\\s+0\\s+0\\s+1\\s+0\\s+0\\s+1");
  }

  @Test
  void failedJobShowsItsError() throws Exception {
    String id =
        CliRun.run(
                "enqueue",
                "semafor.fail",
                "{\"message\":\"boom\"}",
                "-b",
                broker,
                "--max-attempts",
                "1")
            .lastOutLine();
    assertThat(CliRun.run("worker", "-b", broker, "--burst").code()).isZero();
    JsonNode job = json(CliRun.run("job", id, "-b", broker, "--json"));
    assertThat(job.get("state").asText()).isEqualTo("dead");
    assertThat(job.at("/error/message").asText()).isEqualTo("boom");
    Result text = CliRun.run("job", id, "-b", broker);
    assertThat(text.out()).contains("state     dead").contains("boom");
  }

  @Test
  void countAndDelayAreStored() throws Exception {
    Result r =
        CliRun.run("enqueue", "semafor.noop", "-b", broker, "--count", "12", "--delay", "1h");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode status = json(CliRun.run("status", "-b", broker, "--json"));
    assertThat(status.at("/totals/counts/scheduled").asLong()).isEqualTo(12);
  }

  @Test
  void badInputLeavesTheBrokerUntouched() throws Exception {
    assertThat(
            CliRun.run("enqueue", "semafor.primes", "{\"n\":", "-b", broker, "--count", "5").code())
        .isEqualTo(Main.USAGE);
    assertThat(CliRun.run("enqueue", "no.such", "-b", broker, "--count", "5").code())
        .isEqualTo(Main.USAGE);
    assertThat(CliRun.run("enqueue", "semafor.noop", "-b", broker, "--max-attempts", "0").code())
        .isEqualTo(Main.USAGE);
    assertThat(dir.resolve("semafor.db")).as("not even created").doesNotExist();
  }
}
