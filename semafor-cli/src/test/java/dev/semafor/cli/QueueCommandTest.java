package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import dev.semafor.client.Client;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.LeaseRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code semafor queue pause|resume NAME}, and how {@code status} shows a paused queue. */
class QueueCommandTest {
  @TempDir Path dir;

  @Test
  void aPausedQueueIsSkippedByWorkersShownByStatusAndResumed() throws Exception {
    String url = "sqlite:" + dir.resolve("q.db");
    try (Broker b = Brokers.open(url)) {
      new Client(b).enqueue("t", 1);
    }

    Result paused = CliRun.run("queue", "pause", "default", "--broker", url);

    assertThat(paused.code()).as(paused.err()).isZero();
    assertThat(paused.out())
        .startsWith("queue default paused in ")
        .contains("until 'semafor queue resume default'");
    try (Broker b = Brokers.open(url)) {
      assertThat(b.pausedQueues()).containsExactly("default");
      assertThat(b.lease(lease())).isEmpty();
    }
    assertThat(CliRun.run("status", "--broker", url).out()).contains("default (paused)");
    JsonNode status = json(CliRun.run("status", "--broker", url, "--json"));
    assertThat(status.at("/queues/0/paused").asBoolean()).isTrue();

    Result resumed = CliRun.run("queue", "resume", "default", "--broker", url, "--json");

    assertThat(resumed.code()).as(resumed.err()).isZero();
    JsonNode answer = json(resumed);
    assertThat(answer.get("queue").asText()).isEqualTo("default");
    assertThat(answer.get("paused").asBoolean()).isFalse();
    assertThat(answer.get("changed").asBoolean()).isTrue();
    try (Broker b = Brokers.open(url)) {
      assertThat(b.lease(lease())).hasSize(1);
    }
  }

  @Test
  void pausingTwiceSaysNothingChangedAndTheBrokerComesFromTheEnvironment() throws Exception {
    String url = "sqlite:" + dir.resolve("env.db");
    Brokers.open(url).close();
    Map<String, String> env = Map.of("SEMAFOR_BROKER", url);

    assertThat(CliRun.run(env, "queue", "pause", "later").code()).isZero();
    Result again = CliRun.run(env, "queue", "pause", "later", "--json");

    assertThat(again.code()).isZero();
    assertThat(json(again).get("changed").asBoolean()).isFalse();
    assertThat(CliRun.run(env, "queue", "resume", "other").out())
        .isEqualTo("queue other was not paused; nothing changed\n");
    JsonNode status = json(CliRun.run(env, "status", "--json"));
    assertThat(status.at("/queues/0/queue").asText()).isEqualTo("later");
    assertThat(status.at("/queues/0/paused").asBoolean()).isTrue();
  }

  @Test
  void badInputGetsOneLineAndExitCode2() {
    String url = "sqlite:" + dir.resolve("bad.db");
    Brokers.open(url).close();

    Result badName = CliRun.run("queue", "pause", "has space", "--broker", url);
    Result noName = CliRun.run("queue", "resume", "--broker", url);
    Result noAction = CliRun.run("queue", "--broker", url);
    Result missingFile =
        CliRun.run("queue", "pause", "q", "--broker", "sqlite:" + dir.resolve("nope.db"));

    for (Result r : List.of(badName, noName, noAction, missingFile)) {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.USAGE);
      assertThat(r.errLines()).as(r.err()).hasSize(1);
      assertThat(r.out()).isEmpty();
    }
    assertThat(badName.err()).startsWith("semafor queue pause: queue name 'has space'");
    assertThat(dir.resolve("nope.db")).doesNotExist();
  }

  private static LeaseRequest lease() {
    return new LeaseRequest(List.of("default"), 10, "w", Duration.ofMinutes(1));
  }

  private static JsonNode json(Result r) throws Exception {
    assertThat(r.outLines()).as(r.err()).hasSize(1);
    return Json.defaults().mapper().readTree(r.out());
  }
}
