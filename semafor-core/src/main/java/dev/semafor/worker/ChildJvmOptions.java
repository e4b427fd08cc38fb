package dev.semafor.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the JVM options of a process pool's children from a heap size and the user's own options,
 * on top of {@link #DEFAULTS} — the rule of the command line's {@code --child-heap} and {@code
 * --child-jvm-option}:
 *
 * <ol>
 *   <li>start from the defaults ({@code -Xmx256m -XX:+UseSerialGC});
 *   <li>a heap size replaces the default {@code -Xmx} (so does an {@code -Xmx} among the user's
 *       options, or {@code -XX:MaxHeapSize=}; giving a heap size too is an error, as it is
 *       ambiguous);
 *   <li>a user's option that selects a collector ({@code -XX:+UseG1GC}, {@code -XX:+UseZGC}, …)
 *       replaces the default {@code -XX:+UseSerialGC} (the JVM refuses two collectors);
 *   <li>then the user's options, in their order.
 * </ol>
 *
 * Every option is checked as {@code ProcessPoolBuilder.jvmOptions} does ({@link #check}): blank
 * ones and ones that would write to stdout are refused.
 */
public final class ChildJvmOptions {
  /** The options of a child when none are given: a 256 MB heap and the serial collector. */
  public static final List<String> DEFAULTS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  /**
   * The smallest heap size accepted: a floor against slips such as {@code 512k} for {@code 512m} (a
   * child starts in less, with next to no room for its jobs).
   */
  public static final long MIN_HEAP_BYTES = 16L << 20;

  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([kKmMgGtT]?)");
  private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC");

  private ChildJvmOptions() {}

  /**
   * The child options for {@code heap} (null: the default) and the user's {@code extra} options.
   *
   * @throws IllegalArgumentException on a malformed heap size, a heap given twice, or an option
   *     that is blank or writes to stdout
   */
  public static List<String> of(String heap, List<String> extra) {
    boolean userHeap = false;
    boolean userCollector = false;
    for (String option : extra) {
      check(option);
      userHeap |= option.startsWith("-Xmx") || option.startsWith("-XX:MaxHeapSize=");
      userCollector |= COLLECTOR.matcher(option).matches();
    }
    if (heap != null && userHeap) {
      throw new IllegalArgumentException(
          "the child heap is given twice: as a heap size ("
              + heap
              + ") and as -Xmx in the options");
    }
    List<String> options = new ArrayList<>();
    for (String option : DEFAULTS) {
      if (option.startsWith("-Xmx")) {
        if (heap != null) {
          options.add(heapOption(heap));
        } else if (!userHeap) {
          options.add(option);
        }
      } else if (!(userCollector && COLLECTOR.matcher(option).matches())) {
        options.add(option);
      }
    }
    options.addAll(extra);
    return List.copyOf(options);
  }

  /**
   * {@code -Xmx} for a size such as {@code 512m}, {@code 2g} or {@code 1048576k}: a whole number
   * and an optional unit k, m, g or t (either case; none means bytes), at least {@value
   * #MIN_HEAP_BYTES} bytes (16m).
   *
   * @throws IllegalArgumentException naming the size and what was expected
   */
  public static String heapOption(String size) {
    String text = size == null ? "" : size.trim();
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "child heap size '"
              + size
              + "' is not a size: expected a whole number and a unit, e.g. 512m or 2g");
    }
    long bytes = bytes(Long.parseLong(m.group(1)), m.group(2).toLowerCase(Locale.ROOT), size);
    if (bytes < MIN_HEAP_BYTES) {
      throw new IllegalArgumentException(
          "child heap size '" + size + "' is too small: the smallest accepted is 16m");
    }
    return "-Xmx" + text;
  }

  /**
   * Refuses an option that is blank or would write to stdout, which carries the pool's protocol.
   *
   * @throws IllegalArgumentException naming the option and what to use instead
   */
  public static void check(String option) {
    if (option == null || option.isBlank()) {
      throw new IllegalArgumentException("a JVM option must not be blank");
    }
    checkOutput(option);
  }

  /**
   * Refuses an option that would send output to stdout, the protocol's stream: {@code -verbose:…}
   * and {@code -Xlog} without an output other than stdout.
   *
   * @throws IllegalArgumentException naming the option and what to use instead
   */
  public static void checkOutput(String option) {
    if (option.startsWith("-verbose")) {
      throw new IllegalArgumentException(
          "JVM option "
              + option
              + " writes to stdout, which carries the process pool's protocol;"
              + " use -Xlog with an output instead, e.g. -Xlog:gc:stderr");
    }
    if (option.equals("-Xlog") || option.startsWith("-Xlog:")) {
      String[] parts = option.split(":", -1);
      boolean disables = parts.length == 2 && parts[1].equals("disable");
      boolean toStdout = parts.length < 3 || parts[2].isEmpty() || parts[2].equals("stdout");
      if (!disables && toStdout) {
        throw new IllegalArgumentException(
            "JVM option "
                + option
                + " logs to stdout, which carries the process pool's protocol;"
                + " name another output, e.g. -Xlog:gc:stderr or -Xlog:gc:file=gc.log");
      }
    }
  }

  private static long bytes(long value, String unit, String size) {
    int shift =
        switch (unit) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("child heap size '" + size + "' is too large");
    }
    return value << shift;
  }
}
