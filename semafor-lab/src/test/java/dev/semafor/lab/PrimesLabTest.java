package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The primes lab on every execution model, through a real worker. The lab's worker has a shutdown
 * grace of two minutes, after which it would interrupt its pool; each test finishing well within
 * its timeout therefore means the pool stopped by poison pills.
 */
@Timeout(value = 100, unit = TimeUnit.SECONDS)
class PrimesLabTest {
  /** Three primes and two composites that keep the GIL runs short. */
  private static final String FEW =
      "2,3333333333333301,4444444444444423,4444444444444444,5555555555555503";

  @ParameterizedTest
  @EnumSource(ExecutionModel.class)
  void everyModelFindsExactlyThePrimesAmongTheDemoNumbers(ExecutionModel model) {
    JsonNode run = Lab.run("primes", "--model", model.label(), "--workers", "2", "--json").json();

    assertAgreesWithBigInteger(run, PrimesLab.DEMO_NUMBERS);
    assertThat(run.get("model").asText()).isEqualTo(model.label());
    assertThat(run.get("workers").asInt()).isEqualTo(model == ExecutionModel.SEQUENTIAL ? 1 : 2);
    Set<String> members = members(run);
    if (model == ExecutionModel.SEQUENTIAL) {
      assertThat(members).hasSize(1);
    }
    if (model == ExecutionModel.THREADS) {
      assertThat(members).isSubsetOf("semafor-threads-0", "semafor-threads-1");
    }
    Lab.assertNothingLeftBehind();
  }

  @ParameterizedTest
  @EnumSource(
      value = ExecutionModel.class,
      names = {"THREADS", "VIRTUAL"})
  void unitsOfOneWorkerTakeTurnsWithTheSimulatedGil(ExecutionModel model) {
    JsonNode run =
        Lab.run(
                "primes",
                "--model",
                model.label(),
                "--workers",
                "2",
                "--gil",
                "--numbers",
                FEW,
                "--json")
            .json();

    assertAgreesWithBigInteger(run, numbers(FEW));
    assertThat(run.get("gil").asBoolean()).isTrue();
    assertThat(run.get("gil_handoffs").asLong()).isPositive();
    Lab.assertNothingLeftBehind();
  }

  @Test
  void aLoneUnitNeverHandsTheGilOver() {
    JsonNode run =
        Lab.run("primes", "--model", "sequential", "--gil", "--numbers", FEW, "--json").json();

    assertAgreesWithBigInteger(run, numbers(FEW));
    assertThat(run.get("gil_handoffs").asLong()).isZero();
  }

  @Test
  void eachProcessHasItsOwnGil() {
    JsonNode run =
        Lab.run(
                "primes",
                "--model",
                "processes",
                "--workers",
                "2",
                "--gil",
                "--numbers",
                FEW,
                "--json")
            .json();

    assertAgreesWithBigInteger(run, numbers(FEW));
    assertThat(run.get("gil_handoffs").asLong()).as("one job at a time per process GIL").isZero();
    Lab.assertNothingLeftBehind();
  }

  @Test
  void compareRunsEveryModelWithAndWithoutTheGilAndDrawsTheChart(@TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path chart = dir.resolve("charts/primes.svg");
    JsonNode report =
        Lab.run(
                "primes",
                "--compare",
                "--workers",
                "2",
                "--numbers",
                "2,142702110479723,299593572317531,4444444444444444",
                "--chart",
                chart.toString(),
                "--json")
            .json();

    List<String> labels = new ArrayList<>();
    for (JsonNode row : report.get("rows")) {
      labels.add(row.get("label").asText());
      assertThat(row.get("available").asBoolean()).isTrue();
      assertThat(row.get("total_seconds").asDouble()).isPositive();
    }
    assertThat(labels)
        .containsExactly(
            "sequential",
            "threads",
            "virtual",
            "processes",
            "threads + GIL",
            "virtual + GIL",
            "processes + GIL");
    assertThat(report.get("rows").get(0).get("speedup").asDouble()).isEqualTo(1.0);
    var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(chart.toFile());
    assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(svg.getElementsByTagName("rect").getLength())
        .as("background plus one bar per available row")
        .isEqualTo(1 + 7);
    Lab.assertNothingLeftBehind();
  }

  @Test
  void badOptionsAreRejectedWithAClearMessage() {
    Lab.Ran zero = Lab.run("primes", "--workers", "0");
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--workers must be at least 1");

    Lab.Ran model = Lab.run("primes", "--model", "fibers");
    assertThat(model.exitCode()).isEqualTo(2);
    assertThat(model.err()).contains("unknown execution model 'fibers'");

    Lab.Ran both = Lab.run("primes", "--compare", "--gil");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--compare runs every model");

    Lab.Ran negative = Lab.run("primes", "--numbers", "7,-3");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("none negative");
  }

  @Test
  void theReportHasALinePerNumberAndTheTotal() {
    Lab.Ran ran = Lab.run("primes", "--model", "threads", "--workers", "2", "--numbers", FEW);

    assertThat(ran.exitCode()).isZero();
    assertThat(ran.out())
        .contains("Checking 5 numbers with 2 threads (semafor.primes jobs):")
        .containsPattern("\\s3333333333333301  P +\\d+\\.\\d{6}s  semafor-threads-[01]")
        .containsPattern("\\s4444444444444444 {4,}\\d+\\.\\d{6}s  semafor-threads-[01]")
        .containsPattern("5 checks in \\d+\\.\\d\\ds .*stopped by poison pills");
  }

  private static void assertAgreesWithBigInteger(JsonNode run, List<Long> numbers) {
    List<Long> seen = new ArrayList<>();
    for (JsonNode check : run.get("checks")) {
      long n = check.get("n").asLong();
      seen.add(n);
      assertThat(check.get("prime").asBoolean())
          .as("is %d prime?", n)
          .isEqualTo(BigInteger.valueOf(n).isProbablePrime(100));
      assertThat(check.get("ran_on").asText()).isNotBlank();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(numbers);
  }

  private static Set<String> members(JsonNode run) {
    Set<String> names = new TreeSet<>();
    run.get("checks").forEach(c -> names.add(c.get("ran_on").asText()));
    return names;
  }

  private static List<Long> numbers(String csv) {
    List<Long> list = new ArrayList<>();
    for (String s : csv.split(",")) {
      list.add(Long.parseLong(s));
    }
    return list;
  }
}
