package dev.semafor.broker;

import java.util.Locale;

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
              + text
              + "': expected SCHEME:..., such as sqlite:semafor.db,"
              + " memory:, postgres://host/db or redis://host:6379");
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
      throw new IllegalArgumentException("malformed broker URL '" + text + "': bad scheme");
    }
    return new BrokerUrl(text, scheme, text.substring(colon + 1));
  }

  /** The URL with any password replaced, for logs. */
  public String redacted() {
    return text.replaceAll("(//[^:/@]+:)[^@/]*@", "$1***@");
  }

  @Override
  public String toString() {
    return redacted();
  }
}
