package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.task.BuiltinTasks.PrimesInput;
import dev.semafor.task.BuiltinTasks.SleepInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  private final Json json = Json.defaults();

  record Order(String id, List<Line> lines) {}

  record Line(String sku, int quantity) {}

  @Test
  void readBindsJsonToARecord() {
    assertThat(json.read("{\"n\": 97}", PrimesInput.class)).isEqualTo(new PrimesInput(97));
  }

  @Test
  void writeThenReadGivesTheSameValueBack() {
    Order order = new Order("o-1", List.of(new Line("a", 2), new Line("b", 1)));

    assertThat(json.read(json.write(order), Order.class)).isEqualTo(order);
  }

  @Test
  void instantsAreWrittenAsIsoText() {
    assertThat(json.write(Map.of("at", Instant.parse("2030-01-01T00:00:00Z"))))
        .isEqualTo("{\"at\":\"2030-01-01T00:00:00Z\"}");
  }

  @Test
  void textThatIsNotJsonFailsWithAPayloadExceptionGivingWhere() {
    assertThatThrownBy(() -> json.read("{\"n\": 97", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("payload is not valid JSON (line 1, column");
    assertThatThrownBy(() -> json.read("{n: 97}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1, column 2");
  }

  @Test
  void trailingTextAfterTheValueIsRefused() {
    assertThatThrownBy(() -> json.read("{\"n\": 97} oops", PrimesInput.class))
        .isInstanceOf(PayloadException.class);
    assertThatThrownBy(() -> json.read("{\"n\": 97} {\"n\": 98}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("PrimesInput");
  }

  @Test
  void aValueOfTheWrongTypeFailsNamingTheTypeAndTheField() {
    assertThatThrownBy(() -> json.read("{\"n\": \"ninety-seven\"}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("payload does not bind to PrimesInput at 'n': ")
        .hasMessageContaining("long");
    assertThatThrownBy(
            () ->
                json.read(
                    "{\"id\":\"o\",\"lines\":[{\"sku\":\"a\",\"quantity\":\"x\"}]}", Order.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("payload does not bind to Order at 'lines[0].quantity': ");
  }

  @Test
  void anUnknownFieldFailsNamingIt() {
    assertThatThrownBy(() -> json.read("{\"n\": 5, \"m\": 6}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("\"m\"");
  }

  @Test
  void anArrayWhereAnObjectIsExpectedFails() {
    assertThatThrownBy(() -> json.read("[1, 2]", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("payload does not bind to PrimesInput");
  }

  @Test
  void aRecordThatRefusesItsValuesFailsWithItsReason() {
    assertThatThrownBy(() -> json.read("{\"ms\": -1}", SleepInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("ms must not be negative");
  }

  @Test
  void aNullPayloadFailsWhereAValueIsRequired() {
    for (String nothing : new String[] {null, "", "  ", "null"}) {
      assertThatThrownBy(() -> json.read(nothing, PrimesInput.class))
          .as("payload <%s>", nothing)
          .isInstanceOf(PayloadException.class)
          .hasMessage("payload is null but PrimesInput is required");
    }
  }

  @Test
  void aNullPayloadIsFineForTasksThatTakeAnyJson() {
    assertThat(json.read(null, JsonNode.class).isNull()).isTrue();
    assertThat(json.read("null", Object.class)).isNull();
    assertThat(json.read("", Void.class)).isNull();
  }

  @Test
  void nullForAPrimitiveFieldFails() {
    assertThatThrownBy(() -> json.read("{\"n\": null}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("at 'n'");
  }

  @Test
  void normalizeWritesCompactJsonAndRefusesText() {
    assertThat(json.normalize("{ \"a\" : [ 1, 2 ] }")).isEqualTo("{\"a\":[1,2]}");
    assertThat(json.normalize(null)).isEqualTo("null");
    assertThat(json.normalize(" ")).isEqualTo("null");
    assertThatThrownBy(() -> json.normalize("{\"a\":"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void writeOfNullIsTheJsonNull() {
    assertThat(json.write(null)).isEqualTo("null");
  }

  // ---- input is never changed without a word ----

  record Reading(double value) {}

  @Test
  void aDuplicateKeyIsRefusedNotReadAsTheLastOne() {
    assertThatThrownBy(() -> json.read("{\"n\": 97, \"n\": 98}", PrimesInput.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("Duplicate field 'n'");
    assertThatThrownBy(() -> json.normalize("{\"a\": {\"x\": 1, \"x\": 2}}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("Duplicate field 'x'");
  }

  @Test
  void aNumberOutOfADoublesRangeIsRefusedNotStoredAsInfinity() {
    assertThatThrownBy(() -> json.normalize("{\"x\": 1e999999}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("1e999999")
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> json.read("{\"value\": -1e400}", Reading.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("-1e400");
    assertThatThrownBy(() -> json.tree("[1.5, 2e308]")).isInstanceOf(PayloadException.class);
    assertThat(json.normalize("{\"x\": 1.7976931348623157e308}"))
        .isEqualTo("{\"x\":1.7976931348623157E308}");
  }

  @Test
  void aLoneSurrogateIsRefusedNotStoredAsAQuestionMark() {
    assertThatThrownBy(() -> json.normalize("{\"s\": \"a\\ud800b\"}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("lone UTF-16 surrogate");
    assertThatThrownBy(() -> json.normalize("[\"\\udc00\"]")).isInstanceOf(PayloadException.class);
    assertThatThrownBy(() -> json.normalize("{\"\\ud800\": 1}"))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("field name");
    assertThatThrownBy(() -> json.read("{\"id\": \"\\udbff\", \"lines\": []}", Order.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("surrogate");
    // a pair, escaped or not, is a character like any other
    assertThat(json.normalize("[\"\\ud83d\\ude00\"]")).isEqualTo("[\"\ud83d\ude00\"]");
  }

  @Test
  void theApiMapperCopyKeepsTheChecks() {
    assertThatThrownBy(() -> json.mapper().copy().readTree("{\"a\": 1, \"a\": 2}"))
        .isInstanceOf(com.fasterxml.jackson.core.JsonParseException.class);
    assertThatThrownBy(() -> json.mapper().copy().readTree("[1e999]"))
        .isInstanceOf(RefusedJsonException.class);
  }
}
