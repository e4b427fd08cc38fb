package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.SemaforException;
import dev.semafor.task.BuiltinTasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The spinner experiment: a {@link Spinner} animates while a slow function works, on one of three
 * execution models, and stops when the work signals it is done.
 *
 * <ul>
 *   <li>{@code THREADS}: the work runs on the calling thread, the spinner on a platform thread; the
 *       event is a {@link CountDownLatch} (Python's {@code threading.Event}).
 *   <li>{@code PROCESSES}: the work runs in a child JVM ({@link SpinnerChild}); the event is its
 *       answer arriving on the pipe from its stdout.
 *   <li>{@code VIRTUAL}: both the spinner and the work are virtual threads; the event is the work
 *       thread's completion ({@link Thread#join(Duration)}).
 * </ul>
 *
 * CPU work never blocks, so a virtual thread doing it holds its carrier until it is done: with one
 * carrier the spinner cannot draw again until the work ends, as a coroutine that never awaits
 * blocks its event loop. Platform threads and processes are preempted by the OS and keep spinning.
 */
final class SpinnerLab {
  /** 2^62 − 57, a prime: naive trial division takes Java about 3 s here. */
  static final long DEFAULT_N = 4_611_686_018_427_387_847L;

  /** The number in the notes: about 3 s for CPython, about 0.2 s for Java. */
  static final long NOTES_N = 5_000_111_000_222_021L;

  static final Duration DEFAULT_SLEEP = Duration.ofSeconds(3);

  private SpinnerLab() {}

  enum Work {
    SLEEP,
    CPU;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to run: on which model, which work, and (virtual threads only) how many carriers. */
  record Setup(ExecutionModel model, Work work, long n, Duration sleep, Integer carriers) {
    String describeWork() {
      return work == Work.CPU
          ? "is_prime(" + n + ")"
          : "sleep(" + String.format(Locale.ROOT, "%.2f", sleep.toNanos() / 1e9) + " s)";
    }
  }

  /**
   * What happened. {@code workSeconds} is the slow function's own time; {@code wallSeconds} adds
   * what it took to start it (a child JVM's start-up, for processes).
   */
  record Result(
      String model,
      String work,
      Integer carriers,
      int frames,
      long frameIntervalMs,
      double workSeconds,
      double wallSeconds,
      String answer,
      boolean froze) {}

  /** The slow function's answer and its own run time. */
  record Timed(String answer, long workNanos) {}

  static Result run(Setup setup, Spinner.Display display, PrintWriter err) throws Exception {
    long started = System.nanoTime();
    Measured m =
        switch (setup.model()) {
          case THREADS -> onThreads(setup, display);
          case VIRTUAL -> onVirtualThreads(setup, display);
          case PROCESSES -> inProcess(setup, display, err);
          case SEQUENTIAL ->
              throw new IllegalArgumentException("the spinner needs two execution units");
        };
    long wall = System.nanoTime() - started;
    boolean froze = m.frames() <= 1 && m.timed().workNanos() >= 3 * Spinner.INTERVAL.toNanos();
    return new Result(
        setup.model().label(),
        setup.work().label(),
        setup.carriers(),
        m.frames(),
        Spinner.INTERVAL_MS,
        m.timed().workNanos() / 1e9,
        wall / 1e9,
        m.timed().answer(),
        froze);
  }

  /** The slow function of the notes: sleeps, or checks a number with naive trial division. */
  static Timed slow(Work work, long n, Duration sleep) throws InterruptedException {
    long started = System.nanoTime();
    String answer;
    if (work == Work.SLEEP) {
      Thread.sleep(sleep);
      answer = "42";
    } else {
      answer = Boolean.toString(BuiltinTasks.isPrime(n));
    }
    return new Timed(answer, System.nanoTime() - started);
  }

  private record Measured(int frames, Timed timed) {}

  private static Measured onThreads(Setup s, Spinner.Display display) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Spinner spinner = new Spinner(d -> done.await(d.toNanos(), TimeUnit.NANOSECONDS), display);
    Thread spinning = Thread.ofPlatform().name("lab-spinner").start(spinner);
    Timed timed;
    try {
      timed = slow(s.work(), s.n(), s.sleep());
    } finally {
      done.countDown();
      spinning.join();
    }
    return new Measured(spinner.frames(), timed);
  }

  private static Measured onVirtualThreads(Setup s, Spinner.Display display) throws Exception {
    FutureTask<Timed> work = new FutureTask<>(() -> slow(s.work(), s.n(), s.sleep()));
    Thread worker = Thread.ofVirtual().name("lab-worker").start(work);
    Spinner spinner = new Spinner(worker::join, display);
    Thread spinning = Thread.ofVirtual().name("lab-spinner").start(spinner);
    try {
      Timed timed = work.get();
      spinning.join();
      return new Measured(spinner.frames(), timed);
    } catch (InterruptedException e) {
      worker.interrupt();
      spinning.interrupt();
      throw e;
    }
  }

  private static Measured inProcess(Setup s, Spinner.Display display, PrintWriter err)
      throws Exception {
    List<String> args =
        s.work() == Work.CPU
            ? List.of("cpu", Long.toString(s.n()))
            : List.of("sleep", Long.toString(s.sleep().toMillis()));
    Process child = ChildJvm.start(List.of(), SpinnerChild.class, args, err);
    CompletableFuture<String> answer = new CompletableFuture<>();
    Spinner spinner = new Spinner(d -> arrived(answer, d), display);
    Thread spinning = Thread.ofPlatform().name("lab-spinner").start(spinner);
    String line = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      line = r.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the worker process's answer", e);
    } finally {
      answer.complete(line);
      spinning.join();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    if (line == null || child.exitValue() != 0) {
      throw new SemaforException(
          "the worker process (pid "
              + child.pid()
              + ") exited with code "
              + child.exitValue()
              + " without an answer");
    }
    return new Measured(spinner.frames(), Json.defaults().read(line, Timed.class));
  }

  private static boolean arrived(CompletableFuture<String> answer, Duration timeout)
      throws Exception {
    try {
      answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }
}
