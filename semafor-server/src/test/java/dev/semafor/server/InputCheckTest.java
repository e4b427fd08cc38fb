package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import org.junit.jupiter.api.Test;

/** The input check {@code semafor enqueue} and the HTTP API share. */
class InputCheckTest {
  private final TaskRegistry registry = TaskRegistry.withBuiltins();

  @Test
  void keepsTheUsersNumbersAsGivenWithoutTheReportsRounding() throws Exception {
    TaskDefinition<?, ?> echo = registry.require("semafor.echo");

    String compact =
        InputCheck.check(
            echo, "{ \"x\": 3.14159265, \"y\": 0.000123456, \"z\": 12345678901 }", "INPUT_JSON");

    JsonNode stored = Json.defaults().mapper().readTree(compact);
    assertThat(stored.get("x").doubleValue()).isEqualTo(3.14159265);
    assertThat(stored.get("y").doubleValue()).isEqualTo(0.000123456);
    assertThat(stored.get("z").longValue()).isEqualTo(12345678901L);
    assertThat(compact).doesNotContain(" ");
  }

  @Test
  void textThatIsNotOneJsonValueIsRefusedBeforeBinding() {
    TaskDefinition<?, ?> primes = registry.require("semafor.primes");

    assertThatThrownBy(() -> InputCheck.check(primes, "{\"n\": 97} {\"n\": 98}", "INPUT_JSON"))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("INPUT_JSON is not valid JSON: ");
    assertThatThrownBy(() -> InputCheck.check(primes, "{\"n\": 1, \"n\": 2}", "its input"))
        .isInstanceOf(PayloadException.class)
        .hasMessage("its input is not valid JSON: Duplicate field 'n' (line 1, column 13)");
    assertThatThrownBy(() -> InputCheck.check(primes, "{\"n\": 1e999999}", "INPUT_JSON"))
        .isInstanceOf(PayloadException.class)
        .hasMessageStartingWith("INPUT_JSON is refused: number 1e999999 is out of range");
  }

  @Test
  void aNullInputForATaskThatNeedsOneSaysWhatItTakes() {
    TaskDefinition<?, ?> primes = registry.require("semafor.primes");

    assertThatThrownBy(() -> InputCheck.fits(Json.defaults(), primes, "null"))
        .isInstanceOf(PayloadException.class)
        .hasMessage(
            "input does not fit task 'semafor.primes' (it takes {\"n\": a whole number}):"
                + " expected {\"n\": a whole number}, not null");
  }
}
