package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportJsonTest {
  record Sample(double totalSeconds, double loadBefore, long gilHandoffs, String ranOn) {}

  @Test
  void recordsAreWrittenInSnakeCaseWithRoundedPlainNumbers() {
    String json = ReportJson.write(new Sample(1.23456789, 2.35764E-4, 7, "t-1"));

    assertThat(json)
        .isEqualTo(
            "{\"total_seconds\":1.235,\"load_before\":0.000236,\"gil_handoffs\":7,\"ran_on\":\"t-1\"}");
    assertThat(ReportJson.violations(json)).isEmpty();
  }

  @Test
  void treesAreRoundedButPayloadsAreWrittenAsStored() {
    var tree = ReportJson.mapper().createObjectNode().put("ms", 12.34567).put("whole", 2.0);
    tree.putObject("result").put("exact", 1.23456789e-9);

    String json = ReportJson.write(tree);

    assertThat(json)
        .startsWith("{\"ms\":12.346,\"whole\":2.0,\"result\":{\"exact\":1.23456789E-9}");
    assertThat(ReportJson.violations(json)).isEmpty();
  }

  @Test
  void roundKeepsThreeDecimalsAboveOneAndThreeSignificantDigitsBelow() {
    assertThat(ReportJson.round(1234.56789)).isEqualTo(1234.568);
    assertThat(ReportJson.round(0.123456)).isEqualTo(0.123);
    assertThat(ReportJson.round(-0.00098765)).isEqualTo(-0.000988);
    assertThat(ReportJson.round(0)).isZero();
  }

  @Test
  void ratiosKeepThreeSignificantDigits() {
    assertThat(ReportJson.ratio(12.6184)).isEqualTo(12.6);
    assertThat(ReportJson.ratio(1.8123)).isEqualTo(1.81);
    assertThat(ReportJson.ratio(0.97456)).isEqualTo(0.975);
    assertThat(ReportJson.ratio(0)).isZero();
  }

  @Test
  void violationsNameCamelCaseKeysAndScientificNotation() {
    assertThat(ReportJson.violations("{\"totalSeconds\":2.35764E-4,\"ok\":[1,2]}"))
        .isEqualTo(
            List.of(
                "field name not snake_case: totalSeconds",
                "number in scientific notation: 2.35764E-4"));
    assertThat(ReportJson.violations(ReportJson.write(Map.of("big", 1.0e12)))).isEmpty();
  }
}
