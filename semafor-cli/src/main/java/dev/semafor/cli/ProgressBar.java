package dev.semafor.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar redrawn in place with a carriage return; only for terminals. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final int total;
  private int lastLength;

  ProgressBar(PrintWriter err, int total) {
    this.err = err;
    this.total = total;
  }

  void draw(int done, long elapsedNanos) {
    int filled = total == 0 ? WIDTH : Math.min(WIDTH, done * WIDTH / total);
    String line =
        String.format(
            Locale.ROOT,
            "  [%s%s] %d/%d  %.1f s",
            "█".repeat(filled),
            "░".repeat(WIDTH - filled),
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
