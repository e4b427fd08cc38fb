package dev.semafor.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * What picocli says about a value it cannot convert, in the user's terms: "a whole number", not "an
 * int"; the accepted names of a choice in lower case, as the help writes them; never a Java class
 * or exception name.
 */
final class Converters {
  /** Picocli's words for a converter that threw something other than its own exception. */
  private static final Pattern CANNOT_CONVERT =
      Pattern.compile("cannot convert '(.*)' to \\w+ \\((?:[\\w.$]+(?:Exception|Error)): (.*)\\)$");

  /** Picocli's words for a value that is none of an enum's constants. */
  private static final Pattern NOT_ONE_OF =
      Pattern.compile("expected one of \\[(.*)] \\(case-insensitive\\) but was '(.*)'$");

  private Converters() {}

  /** Registers the number converters on {@code line} and every subcommand it has. */
  static void register(CommandLine line) {
    line.registerConverter(Integer.class, Converters::integer);
    line.registerConverter(Integer.TYPE, Converters::integer);
    line.registerConverter(Long.class, Converters::longInteger);
    line.registerConverter(Long.TYPE, Converters::longInteger);
    line.registerConverter(Double.class, Converters::number);
    line.registerConverter(Double.TYPE, Converters::number);
  }

  /** Picocli's message with the Java terms of its conversion errors replaced by the user's. */
  static String inUserTerms(String message) {
    Matcher m = CANNOT_CONVERT.matcher(message);
    if (m.find()) {
      return message.substring(0, m.start()) + m.group(2);
    }
    m = NOT_ONE_OF.matcher(message);
    if (m.find()) {
      String accepted =
          Arrays.stream(m.group(1).split(","))
              .map(v -> v.trim().toLowerCase(Locale.ROOT).replace('_', '-'))
              .collect(Collectors.joining(", "));
      return message.substring(0, m.start())
          + "'"
          + m.group(2)
          + "' is not one of the accepted values: "
          + accepted;
    }
    return message;
  }

  private static Integer integer(String text) {
    long value = longInteger(text);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new TypeConversionException(
          "'" + text + "' is out of range (at most " + Output.count(Integer.MAX_VALUE) + ")");
    }
    return (int) value;
  }

  private static Long longInteger(String text) {
    String t = text.trim().replace("_", "");
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      if (t.matches("[-+]?\\d+")) {
        throw new TypeConversionException("'" + text + "' is out of range");
      }
      throw new TypeConversionException("'" + text + "' is not a whole number");
    }
  }

  private static Double number(String text) {
    try {
      double d = Double.parseDouble(text.trim());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new TypeConversionException("'" + text + "' is not a number");
  }
}
