package dev.semafor.worker;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations as people write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code
 * 2h}, {@code 1d}, or ISO-8601 such as {@code PT1M30S}. The one parser for the command line and
 * {@link WorkerConfig#parse}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /**
   * A whole number and a unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}; any case, a
   * space between allowed), or a non-negative ISO-8601 duration.
   *
   * @throws IllegalArgumentException naming the text and the forms it accepts
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    try {
      Matcher m = FORM.matcher(t);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      if (t.startsWith("p")) {
        Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
        if (!d.isNegative()) {
          return d;
        }
      }
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      // too large, or not ISO-8601 after all: refused below
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a duration (expected e.g. 250ms, 5s, 2m, 1h, 1d or PT1M30S)");
  }

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms != 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
