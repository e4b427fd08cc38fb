package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentionLabTest {
  @ParameterizedTest
  @ValueSource(strings = {"threads", "virtual"})
  void updatesAreLostWithoutAGuardAndNeverWithOne(String model) {
    JsonNode report =
        Lab.run("contention", "--model", model, "--units", "4", "--increments", "100000", "--json")
            .json();

    List<String> strategies = new ArrayList<>();
    for (JsonNode row : report.get("rows")) {
      String strategy = row.get("strategy").asText();
      strategies.add(strategy);
      assertThat(row.get("expected").asLong()).isEqualTo(400_000);
      assertThat(row.get("actual").asLong() + row.get("lost").asLong()).isEqualTo(400_000);
      if (strategy.equals("no lock")) {
        assertThat(row.get("lost").asLong()).as("lost updates without a lock").isPositive();
      } else {
        assertThat(row.get("lost").asLong()).as("lost updates with %s", strategy).isZero();
      }
      assertThat(row.get("nanos_per_increment").asDouble()).isPositive();
    }
    assertThat(strategies)
        .containsExactly("no lock", "ReentrantLock", "synchronized", "AtomicLong", "LongAdder");
    assertThat(Lab.liveSemaforThreads()).isEmpty();
  }

  @Test
  void theReportCountsTheLostUpdates() {
    Lab.Ran ran = Lab.run("contention", "--units", "2", "--increments", "50000");

    assertThat(ran.exitCode()).isZero();
    assertThat(ran.out())
        .contains("2 threads × 50,000 increments of one shared counter (expected 100,000)")
        .containsPattern("no lock +[\\d,]+ +[\\d,]+ +\\d+\\.\\d")
        .containsPattern("LongAdder +100,000 +0 +\\d+\\.\\d");
  }

  @Test
  void badOptionsAreRejectedWithAClearMessage() {
    Lab.Ran processes = Lab.run("contention", "--model", "processes");
    assertThat(processes.exitCode()).isEqualTo(2);
    assertThat(processes.err()).contains("--model must be threads or virtual");

    Lab.Ran overflow = Lab.run("contention", "--units", "100", "--increments", "100000000");
    assertThat(overflow.exitCode()).isEqualTo(2);
    assertThat(overflow.err()).contains("must stay within");
  }
}
