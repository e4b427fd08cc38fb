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
}
