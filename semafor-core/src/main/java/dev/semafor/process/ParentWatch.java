package dev.semafor.process;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Halts a child JVM as soon as its parent (the worker) is gone, from the child's first moment. The
 * child's reader thread learns of the parent's death when stdin closes, but that thread starts only
 * once the child is ready: a child still discovering its tasks or running its warm-up jobs would
 * otherwise outlive a killed worker by its whole start-up. So a daemon thread checks every {@link
 * #EVERY} that the child's parent is still the process that started it ({@link
 * ChildMain#PARENT_PID_ENV}); a child whose parent died is re-parented, and halts.
 *
 * <p>Once the child serves ({@link #serving}), a thread of it always reads stdin, whose end says
 * the same at once, so the watch slows to every {@link #EVERY_WHILE_SERVING}: it stays only as a
 * backstop (should another process hold the pipe open). Each check is a wake-up and two reads of
 * {@code /proc}, about 0.1 ms of CPU; fifty a second take about 1 % of a core from the jobs on a
 * machine whose cores the children fill.
 */
final class ParentWatch {
  /** How often the parent is checked until the child serves. */
  static final Duration EVERY = Duration.ofMillis(20);

  /** How often the parent is checked once the child serves. */
  static final Duration EVERY_WHILE_SERVING = Duration.ofSeconds(1);

  /** The watch this JVM started, if any (for tests, which ask a child how often it checks). */
  private static volatile @Nullable ParentWatch started;

  private final long parent;
  private final Thread thread;
  private volatile long everyNanos = EVERY.toNanos();

  private ParentWatch(long parent) {
    this.parent = parent;
    this.thread =
        Thread.ofPlatform().daemon().name("semafor-child-parent-watch").unstarted(this::watch);
  }

  /**
   * Starts watching {@code expected} (the text of {@link ChildMain#PARENT_PID_ENV}); without it,
   * the parent this JVM has now.
   */
  static ParentWatch start(String expected) {
    long parent = expected == null || expected.isBlank() ? currentParent() : parse(expected);
    ParentWatch watch = new ParentWatch(parent);
    watch.thread.start();
    started = watch;
    return watch;
  }

  /** The watch this JVM started, or null (for tests). */
  static @Nullable ParentWatch started() {
    return started;
  }

  /** The child serves now: checks slow to {@link #EVERY_WHILE_SERVING}. */
  void serving() {
    everyNanos = EVERY_WHILE_SERVING.toNanos();
  }

  /** The pause between two checks now (for tests). */
  Duration every() {
    return Duration.ofNanos(everyNanos);
  }

  private void watch() {
    while (currentParent() == parent) {
      LockSupport.parkNanos(everyNanos);
    }
    Runtime.getRuntime().halt(0);
  }

  private static long parse(String pid) {
    try {
      return Long.parseLong(pid.trim());
    } catch (NumberFormatException e) {
      return currentParent();
    }
  }

  private static long currentParent() {
    return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
  }
}
