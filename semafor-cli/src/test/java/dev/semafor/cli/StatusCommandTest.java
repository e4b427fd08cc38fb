package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  @Test
  void emptyBrokerSaysSo() {
    Result r = CliRun.run("status", "--broker", "memory:");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("no jobs in memory:\n");
  }

  @Test
  void jsonOfAnEmptyBrokerHasZeroTotals() throws Exception {
    Result r = CliRun.run("status", "--broker", "memory:", "--json");
    assertThat(r.code()).isZero();
    assertThat(r.outLines()).hasSize(1);
    JsonNode json = Json.defaults().mapper().readTree(r.out());
    assertThat(json.get("queues").isArray()).isTrue();
    assertThat(json.get("queues")).isEmpty();
    assertThat(json.at("/totals/total").asLong()).isZero();
    assertThat(json.at("/totals/counts").size()).isEqualTo(6);
  }
}
