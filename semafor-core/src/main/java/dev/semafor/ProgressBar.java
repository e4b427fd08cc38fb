package dev.semafor;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one progress bar of Semafor's long commands (demo, bench, chaos, a long enqueue, the lab): a
 * line on stderr redrawn in place with a carriage return,
 *
 * <pre>  checking [██████████░░░░░░░░░░░░░░░░░░░░] 7/20  1.3 s</pre>
 *
 * with block characters when stderr speaks UTF-8 and {@code #} and {@code .} otherwise. A bar made
 * disabled draws nothing: commands enable it only when stderr is a terminal ({@link
 * #stderrIsTerminal()}), so piped output and logs never hold it. Lines for stdout go through {@link
 * #println}, which lifts the bar out of their way. Thread-safe.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final int total;
  private final long startNanos = System.nanoTime();
  private final String full;
  private final String empty;

  /** Guarded by this. */
  private String label = "";

  /** Guarded by this. */
  private int done;

  /** Whether the bar is on the screen now. Guarded by this. */
  private boolean drawn;

  /** Characters the widest drawing took. Guarded by this. */
  private int drawnWidth;

  /**
   * A bar for {@code total} steps, drawn on {@code err} if {@code enabled} (usually {@link
   * #stderrIsTerminal()}); nothing is drawn until the first {@link #update}, {@link #step} or
   * {@link #label}.
   */
  public ProgressBar(PrintWriter err, boolean enabled, int total) {
    this.err = err;
    this.enabled = enabled;
    this.total = Math.max(0, total);
    boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("stderr.encoding", ""));
    this.full = utf8 ? "\u2588" : "#";
    this.empty = utf8 ? "\u2591" : ".";
  }

  /** Shows {@code text} before the bar from now on, and redraws it. */
  public synchronized ProgressBar label(String text) {
    label = text == null ? "" : text;
    draw();
    return this;
  }

  /** One more step done. */
  public synchronized void step() {
    update(done + 1);
  }

  /** {@code steps} done in all (at most the total), and the time since the bar was made. */
  public synchronized void update(int steps) {
    done = Math.max(0, Math.min(total, steps));
    draw();
  }

  /** Prints {@code line} on {@code out} with the bar lifted out of the way, then redraws it. */
  public synchronized void println(PrintWriter out, String line) {
    boolean was = drawn;
    clear();
    out.println(line);
    out.flush();
    if (was) {
      draw();
    }
  }

  /** Erases the bar, leaving the cursor at the start of the empty line. */
  public synchronized void clear() {
    if (drawn) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawn = false;
    }
  }

  private void draw() {
    if (!enabled) {
      return;
    }
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    String line =
        String.format(
            Locale.ROOT,
            "%s[%s%s] %d/%d  %.1f s",
            label.isEmpty() ? "  " : label + " ",
            full.repeat(filled),
            empty.repeat(WIDTH - filled),
            done,
            total,
            (System.nanoTime() - startNanos) / 1e9);
    err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
    err.flush();
    drawnWidth = Math.max(drawnWidth, line.length());
    drawn = true;
  }

  /**
   * Runs {@code work}, which does {@code total} things in one step that cannot report its own
   * progress (one transaction), with the bar at 0 and the time going on while it runs; then erases
   * it. With {@code enabled} false it just runs {@code work}.
   */
  public static <T> T whileRunning(PrintWriter err, boolean enabled, int total, Supplier<T> work) {
    if (!enabled) {
      return work.get();
    }
    ProgressBar bar = new ProgressBar(err, true, total);
    Thread ticker =
        Thread.ofPlatform()
            .daemon()
            .name("semafor-progress")
            .start(
                () -> {
                  try {
                    while (true) {
                      bar.update(0);
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

  /**
   * Whether this process's stderr is a terminal, where a bar may be drawn. The launcher says so
   * with {@code -Dsemafor.tty=true|false} (a shell can ask that of stderr, Java cannot); without
   * it, Linux answers through {@code /proc/self/fd/2}; elsewhere {@link System#console()} (with
   * {@code Console.isTerminal()} since JDK 22, which tells a terminal from redirected streams).
   * {@code TERM=dumb} means no.
   */
  public static boolean stderrIsTerminal() {
    String told = System.getProperty("semafor.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return false;
      }
    }
    return consoleIsTerminal();
  }

  private static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal"); // JDK 22+; we compile for 21
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // JDK 21: a console exists only on a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
