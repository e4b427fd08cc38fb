package dev.semafor.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.SemaforException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * Broker URLs from anywhere (flags, the environment, config files): parsing and opening never fail
 * with anything but a clear error, and no password ever reaches a message or a log line.
 */
class BrokerUrlFuzzTest {
  /** A marker no generated host, path or query can contain, so finding it means a leak. */
  private static final String SECRET = "Zq9Secret";

  @Property(tries = 500)
  void anyTextParsesOrIsRefusedWithAClearError(@ForAll @StringLength(max = 80) String text) {
    try {
      BrokerUrl url = BrokerUrl.parse(text);
      assertThat(url.scheme()).matches("[a-z][a-z0-9+.-]*");
      assertThat(url.redacted()).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage())
          .matches("(?s)(broker URL is empty|malformed broker URL '.*)")
          .doesNotContain("Exception");
    }
  }

  @Property(tries = 500)
  void aPasswordNeverAppearsInTheRedactedForm(@ForAll("urlsWithPasswords") String url) {
    assertThat(BrokerUrl.redact(url)).doesNotContain(SECRET);
  }

  @Property(tries = 500)
  void aPasswordNeverAppearsInAnErrorOpeningTheUrl(@ForAll("urlsWithPasswords") String url) {
    try {
      Brokers.open(url).close();
    } catch (SemaforException | IllegalArgumentException e) {
      assertThat(e.getMessage()).doesNotContain(SECRET);
    }
  }

  @Provide
  Arbitrary<String> urlsWithPasswords() {
    Arbitrary<String> scheme =
        Arbitraries.of("postgres", "postgresql", "redis", "rediss", "nosuch");
    Arbitrary<String> user = Arbitraries.strings().alpha().numeric().ofMaxLength(8);
    // a password as users type them: unescaped '/', '@', ':' and '%' included
    Arbitrary<String> rest =
        Arbitraries.strings().withChars("abcXYZ019/@:%!$&*-_.~").ofMaxLength(12);
    Arbitrary<String> host = Arbitraries.of("db.local", "127.0.0.1", "[::1]", "cache");
    Arbitrary<String> tail = Arbitraries.of("", ":5432/test", "/0?prefix=p", "/db?schema=s&pool=4");
    Arbitrary<Boolean> malformed = Arbitraries.of(true, false);
    return net.jqwik.api.Combinators.combine(scheme, user, rest, host, tail, malformed)
        .as(
            (s, u, r, h, t, bad) ->
                (bad ? s + "//" : s + "://") + u + ":" + SECRET + r + "@" + h + t);
  }
}
