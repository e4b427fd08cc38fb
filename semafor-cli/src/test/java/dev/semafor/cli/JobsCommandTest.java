package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobsCommandTest {
  @TempDir Path dir;
  private String url;

  @BeforeEach
  void database() {
    url = "sqlite:" + dir.resolve("jobs.db");
  }

  private CliRun.Result semafor(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--broker");
    all.add(url);
    return CliRun.run(all.toArray(String[]::new));
  }

  private String enqueue(String task, String json, String... more) {
    List<String> args = new ArrayList<>(List.of("enqueue", task, json));
    args.addAll(List.of(more));
    CliRun.Result r = semafor(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return r.lastOutLine().strip();
  }

  private JsonNode json(String... args) {
    CliRun.Result r = semafor(args);
    assertThat(r.code()).as(r.err()).isZero();
    return Output.tree(r.out());
  }

  @Test
  void listsNewestFirstAPageAtATimeWithTheJobView() {
    String first = enqueue("semafor.noop", "{}");
    String second = enqueue("semafor.echo", "[1]", "--queue", "other");
    String third = enqueue("semafor.noop", "{}");

    JsonNode page1 = json("jobs", "--limit", "2", "--json");
    assertThat(page1.get("has_more").asBoolean()).isTrue();
    assertThat(page1.get("jobs").findValuesAsText("id")).containsExactly(third, second);
    assertThat(page1.get("jobs").get(0).get("state").asText()).isNotBlank();

    JsonNode page2 = json("jobs", "--limit", "2", "--page", "2", "--json");
    assertThat(page2.get("jobs").findValuesAsText("id")).containsExactly(first);
    assertThat(page2.get("has_more").asBoolean()).isFalse();
  }

  @Test
  void filtersByQueueTaskAndState() {
    enqueue("semafor.noop", "{}");
    String echo = enqueue("semafor.echo", "[1]", "--queue", "other");

    assertThat(json("jobs", "--queue", "other", "--json").get("jobs").findValuesAsText("id"))
        .containsExactly(echo);
    assertThat(json("jobs", "--task", "semafor.echo", "--json").get("jobs").findValuesAsText("id"))
        .containsExactly(echo);
    assertThat(json("jobs", "--state", "dead,succeeded", "--json").get("count").asInt()).isZero();
    CliRun.Result table = semafor("jobs", "--state", "QUEUED");
    assertThat(table.out()).contains("ID", "STATE", echo, "queued");
  }

  @Test
  void filtersByUniqueKeyOrConcurrencyKey() {
    String unique = enqueue("semafor.noop", "{}", "--unique-key", "report-7");
    enqueue("semafor.noop", "{}", "--unique-key", "report-8");
    String limited =
        enqueue("semafor.noop", "{}", "--concurrency-key", "report-7", "--concurrency-limit", "1");

    assertThat(json("jobs", "--key", "report-7", "--json").get("jobs").findValuesAsText("id"))
        .containsExactly(unique);
    assertThat(
            json("jobs", "--concurrency-key", "report-7", "--json")
                .get("jobs")
                .findValuesAsText("id"))
        .containsExactly(limited);
    assertThat(json("jobs", "--key", "report", "--json").get("count").asInt()).isZero();
    CliRun.Result ask = semafor("jobs", "cancel", "--key", "report-7");
    assertThat(ask.err()).contains("cancel 1 jobs with unique key 'report-7'?");
  }

  /** The input is the user's data: stored as typed, not rounded as reports round numbers. */
  @Test
  void enqueueStoresTheInputsNumbersUnrounded() {
    String id = enqueue("semafor.echo", "{\"price\": 3.14159265, \"rate\": 0.000123456}");

    JsonNode input = json("job", id, "--json").get("input");
    assertThat(input.get("price").doubleValue()).isEqualTo(3.14159265);
    assertThat(input.get("rate").doubleValue()).isEqualTo(0.000123456);
  }

  @Test
  void badFilterValuesAreOneLineNamingTheFlag() {
    CliRun.Result state = semafor("jobs", "--state", "done");
    assertThat(state.code()).isEqualTo(Main.USAGE);
    assertThat(state.err()).contains("--state: unknown state 'done'", "succeeded");
    assertThat(state.errLines()).hasSize(1);

    CliRun.Result time = semafor("jobs", "--from", "yesterday");
    assertThat(time.code()).isEqualTo(Main.USAGE);
    assertThat(time.err()).contains("--from", "ISO-8601");

    CliRun.Result page = semafor("jobs", "--page", "0");
    assertThat(page.err()).contains("--page must be at least 1");
  }

  @Test
  void bulkActionsNeedAFilterAndAskFirst() {
    enqueue("semafor.noop", "{}");

    CliRun.Result noFilter = semafor("jobs", "cancel", "--yes");
    assertThat(noFilter.code()).isEqualTo(Main.USAGE);
    assertThat(noFilter.err()).contains("select the jobs to cancel");

    CliRun.Result unasked = semafor("jobs", "cancel", "--state", "queued");
    assertThat(unasked.code()).isEqualTo(Main.USAGE);
    assertThat(unasked.err()).contains("cancel 1 queued jobs?", "--yes");
    assertThat(json("jobs", "--state", "queued", "--json").get("count").asInt())
        .as("nothing cancelled without --yes")
        .isEqualTo(1);
  }

  @Test
  void cancelRetryAndDeleteEveryMatchingJob() {
    for (int i = 0; i < 3; i++) {
      enqueue("semafor.noop", "{}", "--queue", "bulk");
    }
    enqueue("semafor.noop", "{}", "--queue", "kept");

    JsonNode cancelled = json("jobs", "cancel", "--queue", "bulk", "--yes", "--json");
    assertThat(cancelled.get("matched").asInt()).isEqualTo(3);
    assertThat(cancelled.get("cancelled").asInt()).isEqualTo(3);

    CliRun.Result retry = semafor("jobs", "retry", "--state", "cancelled", "--yes");
    assertThat(retry.code()).as(retry.err()).isZero();
    assertThat(retry.out()).contains("3 of 3", "retried");
    assertThat(json("jobs", "--queue", "bulk", "--state", "queued", "--json").get("count").asInt())
        .isEqualTo(3);

    json("jobs", "cancel", "--queue", "bulk", "--yes", "--json");
    JsonNode deleted = json("jobs", "delete", "--queue", "bulk", "--yes", "--json");
    assertThat(deleted.get("deleted").asInt()).isEqualTo(3);
    assertThat(json("jobs", "--json").get("jobs").findValuesAsText("queue"))
        .containsExactly("kept");
  }
}
