package dev.semafor.lab;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn in place with {@code \r}. Disabled (every method a
 * no-op but {@link #println}) when stderr is not a terminal, so logs stay clean. Lines for stdout
 * go through {@link #println}, which lifts the bar out of the way first. Thread-safe.
 */
final class Progress {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final int total;

  /** Guarded by this. */
  private String label;

  /** Guarded by this. */
  private int done;

  /** Guarded by this. */
  private boolean drawn;

  /** Characters the last drawing took. Guarded by this. */
  private int drawnWidth;

  Progress(PrintWriter err, boolean enabled, String label, int total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = Math.max(1, total);
  }

  synchronized void label(String text) {
    label = text;
    draw();
  }

  synchronized void step() {
    done = Math.min(total, done + 1);
    draw();
  }

  /** Prints a line on {@code out} with the bar lifted out of the way, then redraws the bar. */
  synchronized void println(PrintWriter out, String line) {
    boolean was = drawn;
    clear();
    out.println(line);
    out.flush();
    if (was) {
      draw();
    }
  }

  /** Erases the bar. */
  synchronized void clear() {
    if (enabled && drawn) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawn = false;
    }
  }

  private void draw() {
    if (!enabled) {
      return;
    }
    int filled = done * WIDTH / total;
    String bar =
        label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
    err.print("\r" + bar + " ".repeat(Math.max(0, drawnWidth - bar.length())));
    err.flush();
    drawnWidth = Math.max(drawnWidth, bar.length());
    drawn = true;
  }
}
