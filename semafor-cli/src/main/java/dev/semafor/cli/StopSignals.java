package dev.semafor.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * How a command that runs a worker in this process ({@code worker}, {@code demo}) meets Ctrl-C and
 * SIGTERM.
 *
 * <ul>
 *   <li><b>SIGTERM, or the first Ctrl-C</b>: a JVM shutdown hook runs the command's graceful {@code
 *       stop} (no more fetching, unstarted jobs handed back at once, running ones given the grace
 *       period, the broker closed) and ends the process with the command's exit code. A Ctrl-C
 *       first prints one line on stderr ({@link #stoppingLine}), such as "stopping: waiting up to
 *       30 s for 2 running jobs; Ctrl-C again to stop now".
 *   <li><b>A second Ctrl-C</b> while that runs: one more line, then the process halts at once with
 *       exit code {@value #INTERRUPTED}. Jobs still running come back to their queues when their
 *       leases expire (at-least-once, like a killed worker).
 * </ul>
 *
 * The hook ends the process with {@link Runtime#halt} because a JVM stopped by a signal would
 * otherwise exit with 128 + the signal's number; halting skips hooks other libraries registered,
 * which is why {@code stop} closes the broker itself. Ctrl-C is caught with {@code sun.misc.Signal}
 * (looked up reflectively: it is a supported but unexported-at-compile-time API); where that is
 * missing, or SIGINT was ignored when the JVM started, Ctrl-C stays the JVM's own and only the hook
 * applies.
 */
final class StopSignals {
  /** The exit code of a process stopped at once by a second Ctrl-C (128 + SIGINT). */
  static final int INTERRUPTED = 130;

  private final Cli cli;
  private final Supplier<String> stoppingLine;
  private final IntConsumer exit;
  private final IntConsumer halt;
  private final Thread hook;
  private final AtomicInteger interrupts = new AtomicInteger();
  private Object previousHandler;

  StopSignals(
      Cli cli,
      Supplier<String> stoppingLine,
      Runnable stop,
      int exitCode,
      IntConsumer exit,
      IntConsumer halt) {
    this.cli = Objects.requireNonNull(cli, "cli");
    this.stoppingLine = Objects.requireNonNull(stoppingLine, "stoppingLine");
    this.exit = exit;
    this.halt = halt;
    this.hook =
        Thread.ofPlatform()
            .name("semafor-shutdown")
            .unstarted(
                () -> {
                  stop.run();
                  halt.accept(exitCode);
                });
  }

  /**
   * Installs the hook and the Ctrl-C handler for a command whose graceful stop is {@code stop} and
   * whose process then ends with {@code exitCode}.
   */
  static StopSignals install(Cli cli, Supplier<String> stoppingLine, Runnable stop, int exitCode) {
    StopSignals s =
        new StopSignals(
            cli, stoppingLine, stop, exitCode, System::exit, Runtime.getRuntime()::halt);
    Runtime.getRuntime().addShutdownHook(s.hook);
    s.previousHandler = SigInt.handle(s::interrupted);
    return s;
  }

  /**
   * The line a first Ctrl-C prints: "stopping: waiting up to 30 s for 2 running jobs; Ctrl-C again
   * to stop now".
   */
  static String stoppingLine(String what, Duration grace, int running) {
    return what
        + ": waiting up to "
        + humane(grace)
        + " for "
        + running
        + (running == 1 ? " running job" : " running jobs")
        + "; Ctrl-C again to stop now";
  }

  /** One Ctrl-C: the first starts the graceful stop, the second halts at once. */
  void interrupted() {
    int n = interrupts.incrementAndGet();
    if (n == 1) {
      say(stoppingLine.get());
      exit.accept(0); // runs the hook, which stops gracefully and ends the process
    } else if (n == 2) {
      say("stopping now: jobs still running go back to their queues when their leases expire");
      halt.accept(INTERRUPTED);
    }
  }

  /**
   * Takes the hook and the Ctrl-C handler away after the command ended on its own. Returns false if
   * a signal came meanwhile: the hook is already stopping the command and will end the process.
   */
  boolean uninstall() {
    SigInt.restore(previousHandler);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      return true;
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
  }

  /** Waits for the hook once {@link #uninstall} said a signal came first. */
  void awaitHook() throws InterruptedException {
    hook.join();
  }

  /** The shutdown hook (for tests: run it to stop as a signal would). */
  Thread hook() {
    return hook;
  }

  private void say(String line) {
    cli.err().println(line);
    cli.err().flush();
  }

  private static String humane(Duration d) {
    return d.toMillis() % 1000 == 0 || d.toSeconds() >= 10
        ? d.toSeconds() + " s"
        : d.toMillis() + " ms";
  }

  /** {@code sun.misc.Signal} for SIGINT, reached reflectively so the build stays lint-clean. */
  private static final class SigInt {
    private SigInt() {}

    /**
     * Makes {@code action} the SIGINT handler; returns the previous one, or null if not possible.
     */
    static Object handle(Runnable action) {
      try {
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Object handler =
            Proxy.newProxyInstance(
                StopSignals.class.getClassLoader(),
                new Class<?>[] {handlerType},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "handle" -> {
                        action.run();
                        yield null;
                      }
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      default -> "semafor Ctrl-C handler";
                    });
        return set(handlerType, handler);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null; // no sun.misc.Signal, or SIGINT is not ours to take: the JVM's own remains
      }
    }

    static void restore(Object previous) {
      if (previous == null) {
        return;
      }
      try {
        set(Class.forName("sun.misc.SignalHandler"), previous);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // the process is ending anyway; the JVM's default handling is what is left
      }
    }

    private static Object set(Class<?> handlerType, Object handler)
        throws ReflectiveOperationException {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Object sigint = signal.getConstructor(String.class).newInstance("INT");
      Method handle = signal.getMethod("handle", signal, handlerType);
      return handle.invoke(null, sigint, handler);
    }
  }
}
