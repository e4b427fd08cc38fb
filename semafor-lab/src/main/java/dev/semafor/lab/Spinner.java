package dev.semafor.lab;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The notes' spinner: draws {@code |/-\} frames, one every {@value #INTERVAL_MS} ms, until an event
 * says the work is done. The event is whatever the execution model offers — a latch for a thread,
 * the child's answer on a pipe for a process, the worker thread's completion for a virtual thread —
 * and the spinner waits on it with the frame interval as timeout, exactly like {@code
 * done.wait(.1)} in {@code spinner_thread.py}.
 *
 * <p>It counts every frame it draws, shown or not, so the effect is visible in a log: a spinner
 * that could not run while the work ran draws at most one frame.
 */
final class Spinner implements Runnable {
  static final long INTERVAL_MS = 100;
  static final Duration INTERVAL = Duration.ofMillis(INTERVAL_MS);
  static final String FRAMES = "|/-\\";

  /** The signal that the work is done. */
  @FunctionalInterface
  interface Event {
    /** Waits up to {@code timeout}; true once the work is done. */
    boolean await(Duration timeout) throws Exception;
  }

  /** Where frames go. */
  interface Display {
    void frame(char c);

    void clear();
  }

  private final Event done;
  private final Display display;

  /** Written by the spinning thread only; read by others after joining it. */
  private int frames;

  /** Written by the spinning thread only; read by others after joining it. */
  private Exception failure;

  Spinner(Event done, Display display) {
    this.done = done;
    this.display = display;
  }

  @Override
  public void run() {
    try {
      do {
        display.frame(FRAMES.charAt(frames % FRAMES.length()));
        frames++;
      } while (!done.await(INTERVAL));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    } finally {
      display.clear();
    }
  }

  /** Frames drawn; read after the spinning thread was joined. */
  int frames() {
    if (failure != null) {
      throw new IllegalStateException("the spinner's event failed: " + failure, failure);
    }
    return frames;
  }

  /** Redraws {@code <frame> thinking!} in place on {@code err}. */
  static Display terminal(PrintWriter err) {
    return new Display() {
      @Override
      public void frame(char c) {
        err.print("\r" + c + " thinking!");
        err.flush();
      }

      @Override
      public void clear() {
        err.print("\r           \r");
        err.flush();
      }
    };
  }

  /** Counts frames without showing them. */
  static Display silent() {
    return new Display() {
      @Override
      public void frame(char c) {}

      @Override
      public void clear() {}
    };
  }
}
