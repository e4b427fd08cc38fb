package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void ordinaryQueueAndTaskNamesPass() {
    for (String ok :
        new String[] {"default", "emails-eu.1", "semafor.primes", "a:b/c@d#e", "очередь"}) {
      assertThat(Names.queue(ok)).isEqualTo(ok);
      assertThat(Names.task(ok)).isEqualTo(ok);
    }
  }

  @Test
  void queueNamesWithControlCharactersOrSpacesAreRefusedNamingTheCharacter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.queue("a\nb"))
        .withMessage(
            "queue name 'a\\u000ab' has the character U+000A at position 2; a queue name may hold"
                + " letters, digits and . _ - : / @ #");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.queue("two words"))
        .withMessageContaining("a space at position 4");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.queue("q\u001b[31m"))
        .withMessageContaining("U+001B");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.task("x\ud800"))
        .withMessageContaining("task name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.queue(" "))
        .withMessageContaining("blank");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.queue("q".repeat(201)))
        .withMessageContaining("longer than 200");
  }

  @Test
  void keysAllowSpacesButNoControlCharactersOrLoneSurrogates() {
    assertThat(Names.key("report 2026-12 for alice@example.com", "unique key")).isNotNull();
    assertThat(Names.key("emoji \ud83d\ude00", "rate key")).isNotNull();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.key("a\tb", "unique key"))
        .withMessageStartingWith("unique key 'a\\u0009b' has the character U+0009");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.key("a\ud800", "concurrency key"))
        .withMessageContaining("lone surrogates");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Names.key("rtl\u202eevil", "rate key"))
        .withMessageContaining("U+202E");
  }

  @Test
  void printableEscapesWhatWouldBreakALineAndKeepsTheRest() {
    assertThat(Names.printable("a\nb\u001b[31m\ud800 \ud83d\ude00 \u00e9"))
        .isEqualTo("a\\u000ab\\u001b[31m\\ud800 \ud83d\ude00 \u00e9");
    assertThat(Names.printable("plain text")).isEqualTo("plain text");
    assertThat(Names.printable(null)).isNull();
  }

  @Test
  void jobOptionsCheckEveryNameAndKeyThroughNames() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> JobOptions.defaults().queue("a\nb"))
        .withMessageContaining("queue name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> JobOptions.defaults().concurrency("k\r", 1))
        .withMessageContaining("concurrency key");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> JobOptions.defaults().uniqueKey("k\u0000"))
        .withMessageContaining("unique key");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TaskDefinition<>("my task", Void.class, (in, ctx) -> null))
        .withMessageContaining("task name 'my task'");
  }
}
