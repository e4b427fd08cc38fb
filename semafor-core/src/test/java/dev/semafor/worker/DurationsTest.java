package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "30s, PT30S",
    "5m, PT5M",
    "2h, PT2H",
    "1d, PT24H",
    "' 10 S ', PT10S",
    "PT1M30S, PT1M30S",
    "pt2s, PT2S",
    "0s, PT0S"
  })
  void readsWhatPeopleWrite(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "s", "-5s", "5w", "1.5s", "PT-1S", "P", "99999999999999999999d"})
  void refusesAnythingElseNamingTheForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'" + text + "' is not a duration (expected e.g. 250ms, 5s, 2m, 1h, 1d or PT1M30S)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "30s", "5m", "2h", "1d"})
  void formatsWhatItReads(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }
}
