package dev.semafor.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with a carriage return; only for terminals. Block
 * characters when stderr speaks UTF-8, plain ASCII otherwise.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final int total;
  private final String full;
  private final String empty;
  private int lastLength;

  ProgressBar(PrintWriter err, int total) {
    this.err = err;
    this.total = total;
    boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("stderr.encoding", ""));
    this.full = utf8 ? "\u2588" : "#";
    this.empty = utf8 ? "\u2591" : ".";
  }

  void draw(int done, long elapsedNanos) {
    int filled = total == 0 ? WIDTH : Math.min(WIDTH, done * WIDTH / total);
    String line =
        String.format(
            Locale.ROOT,
            "  [%s%s] %d/%d  %.1f s",
            full.repeat(filled),
            empty.repeat(WIDTH - filled),
            Math.min(done, total),
            total,
            elapsedNanos / 1e9);
    err.print("\r" + line);
    err.flush();
    lastLength = line.length();
  }

  /** Erases the bar, leaving the cursor at the start of the empty line. */
  void clear() {
    err.print("\r" + " ".repeat(lastLength) + "\r");
    err.flush();
  }
}
