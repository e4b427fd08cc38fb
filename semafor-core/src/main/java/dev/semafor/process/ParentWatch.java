package dev.semafor.process;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Halts a child JVM as soon as its parent (the worker) is gone, from the child's first moment. The
 * child's reader thread learns of the parent's death when stdin closes, but that thread starts only
 * once the child is ready: a child still discovering its tasks or running its warm-up jobs would
 * otherwise outlive a killed worker by its whole start-up. So a daemon thread checks every {@link
 * #EVERY} that the child's parent is still the process that started it ({@link
 * ChildMain#PARENT_PID_ENV}); a child whose parent died is re-parented, and halts.
 */
final class ParentWatch {
  /** How often the parent is checked. */
  static final Duration EVERY = Duration.ofMillis(20);

  private ParentWatch() {}

  /**
   * Starts watching {@code expected} (the text of {@link ChildMain#PARENT_PID_ENV}); without it,
   * the parent this JVM has now.
   */
  static void start(String expected) {
    long parent = expected == null || expected.isBlank() ? currentParent() : parse(expected);
    Thread.ofPlatform()
        .daemon()
        .name("semafor-child-parent-watch")
        .start(
            () -> {
              while (currentParent() == parent) {
                LockSupport.parkNanos(EVERY.toNanos());
              }
              Runtime.getRuntime().halt(0);
            });
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
