package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinnerLabTest {
  /** 2^60 − 93, a prime: one to two seconds of trial division. */
  private static final String CPU_N = "1152921504606846883";

  @AfterEach
  void nothingLeftBehind() {
    Lab.assertNothingLeftBehind();
  }

  @Test
  void platformThreadsKeepSpinningThroughCpuWork() {
    JsonNode r = spin("--model", "threads", "--work", "cpu", "--n", CPU_N);

    assertThat(r.get("answer").asText()).isEqualTo("true");
    assertThat(r.get("work_seconds").asDouble()).isGreaterThan(0.5);
    assertThat(r.get("frames").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(r.get("froze").asBoolean()).isFalse();
  }

  @Test
  void aProcessKeepsTheSpinnerSpinningThroughCpuWork() {
    JsonNode r = spin("--model", "processes", "--work", "cpu", "--n", CPU_N);

    assertThat(r.get("answer").asText()).isEqualTo("true");
    assertThat(r.get("work_seconds").asDouble()).isGreaterThan(0.5);
    assertThat(r.get("frames").asInt()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void cpuWorkOnTheOnlyCarrierFreezesAVirtualThreadSpinner() {
    JsonNode r = spin("--model", "virtual", "--carriers", "1", "--work", "cpu", "--n", CPU_N);

    assertThat(r.get("carriers").asInt()).isEqualTo(1);
    assertThat(r.get("answer").asText()).isEqualTo("true");
    assertThat(r.get("work_seconds").asDouble()).isGreaterThan(0.5);
    assertThat(r.get("frames").asInt()).isLessThanOrEqualTo(1);
    assertThat(r.get("froze").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"threads", "processes", "virtual", "virtual --carriers 1"})
  void sleepingWorkLetsEveryModelSpin(String model) {
    List<String> args = new ArrayList<>(List.of("--model"));
    args.addAll(List.of(model.split(" ")));
    args.addAll(List.of("--work", "sleep", "--seconds", "0.6"));
    JsonNode r = spin(args.toArray(String[]::new));

    assertThat(r.get("answer").asText()).isEqualTo("42");
    assertThat(r.get("frames").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(r.get("froze").asBoolean()).isFalse();
  }

  @Test
  void theReportSaysHowManyFramesWereDrawn() {
    Lab.Ran ran = Lab.run("spinner", "--model", "threads", "--work", "sleep", "--seconds", "0.4");

    assertThat(ran.exitCode()).isZero();
    assertThat(ran.out())
        .contains("spinner on platform threads")
        .contains("work: sleep(0.40 s) = 42")
        .containsPattern("frames drawn: \\d+ \\(one per 100 ms\\) while the work took 0\\.4\\d s");
    assertThat(ran.err()).as("no animation when not asked and not on a terminal").isEmpty();
  }

  @Test
  void theAnimationRedrawsFramesInPlaceOnStderr() {
    Lab.Ran ran =
        Lab.run(
            "spinner", "--model", "threads", "--work", "sleep", "--seconds", "0.3", "--progress");

    assertThat(ran.exitCode()).isZero();
    assertThat(ran.err()).contains("\r| thinking!").contains("\r/ thinking!");
  }

  @Test
  void badOptionsAreRejectedWithAClearMessage() {
    Lab.Ran carriers = Lab.run("spinner", "--model", "threads", "--carriers", "1");
    assertThat(carriers.exitCode()).isEqualTo(2);
    assertThat(carriers.err()).contains("--carriers applies to --model virtual");

    Lab.Ran sequential = Lab.run("spinner", "--model", "sequential");
    assertThat(sequential.exitCode()).isEqualTo(2);
    assertThat(sequential.err()).contains("needs --model threads, processes or virtual");

    Lab.Ran work = Lab.run("spinner", "--work", "nap");
    assertThat(work.exitCode()).isEqualTo(2);
    assertThat(work.err()).contains("unknown work 'nap'");
  }

  private static JsonNode spin(String... options) {
    List<String> args = new ArrayList<>(List.of("spinner"));
    args.addAll(List.of(options));
    args.add("--json");
    return Lab.run(args.toArray(String[]::new)).json();
  }
}
