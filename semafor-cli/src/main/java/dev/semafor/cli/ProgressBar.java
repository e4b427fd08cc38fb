package dev.semafor.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

  synchronized void draw(int done, long elapsedNanos) {
    int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, (long) done * WIDTH / total);
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

  /**
   * Runs {@code work}, which does {@code total} things in one step that cannot report its own
   * progress (one transaction), with the bar at 0 and the time going on while it runs, then full.
   */
  static <T> T whileRunning(PrintWriter err, int total, Supplier<T> work) {
    ProgressBar bar = new ProgressBar(err, total);
    long t0 = System.nanoTime();
    Thread ticker =
        Thread.ofPlatform()
            .daemon()
            .name("semafor-progress")
            .start(
                () -> {
                  try {
                    while (true) {
                      bar.draw(0, System.nanoTime() - t0);
                      TimeUnit.MILLISECONDS.sleep(200);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // asked to stop: the work is done
                  }
                });
    try {
      return work.get();
    } finally {
      ticker.interrupt();
      try {
        ticker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      bar.clear();
    }
  }

  /** Erases the bar, leaving the cursor at the start of the empty line. */
  synchronized void clear() {
    err.print("\r" + " ".repeat(lastLength) + "\r");
    err.flush();
  }
}
