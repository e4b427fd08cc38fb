package dev.semafor.spi;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A broker URL split into its scheme and the rest: {@code sqlite:semafor.db}, {@code memory:},
 * {@code postgres://host/db}, {@code redis://host:6379}.
 */
public record BrokerUrl(String text, String scheme, String rest) {
  public static BrokerUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("broker URL is empty");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "malformed broker URL '"
              + redact(text)
              + "': expected SCHEME:..., such as sqlite:semafor.db,"
              + " memory:, postgres://host/db or redis://host:6379");
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
      throw new IllegalArgumentException("malformed broker URL '" + redact(text) + "': bad scheme");
    }
    return new BrokerUrl(text, scheme, text.substring(colon + 1));
  }

  /** The URL with any password replaced, for logs. */
  public String redacted() {
    return redact(text);
  }

  /**
   * {@code text} with any password replaced by {@code ***}: the part of the user information after
   * its first colon ({@code //user:PASSWORD@host}, {@code //:PASSWORD@host}), up to the last
   * {@code @} before the query (a password may hold an unescaped {@code /} or {@code @}), and the
   * value of a {@code password=} parameter. Works on text that is not a well-formed URL too, so an
   * error about a malformed URL can quote it safely.
   */
  public static @Nullable String redact(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    int slashes = out.indexOf("//");
    if (slashes >= 0) {
      int start = slashes + 2;
      int end = out.length();
      for (char stop : new char[] {'?', '#'}) {
        int i = out.indexOf(stop, start);
        if (i >= 0 && i < end) {
          end = i;
        }
      }
      int at = out.lastIndexOf('@', end - 1);
      if (at >= start) {
        int colon = out.indexOf(':', start);
        if (colon >= 0 && colon < at) {
          out = out.substring(0, colon + 1) + "***" + out.substring(at);
        }
      }
    }
    return out.replaceAll("(?i)([?&;]password=)[^&#]*", "$1***");
  }

  @Override
  public String toString() {
    return redacted();
  }
}
