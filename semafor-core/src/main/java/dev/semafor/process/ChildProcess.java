package dev.semafor.process;

import dev.semafor.task.BuiltinTasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The parent's handle on one child JVM: its protocol streams, a thread that forwards its stderr
 * (and keeps the last lines, for error messages), and the reason it was killed, if it was.
 *
 * <p>One member thread reads frames and writes job frames; other threads may write (cancel frames)
 * and kill. Writes are serialized on the output stream.
 */
final class ChildProcess implements Flight.Child {
  /** Why the pool killed a child; null while nobody has. */
  enum KillReason {
    TIMEOUT,
    CANCEL_GRACE,
    STOP_TIMEOUT,
    PROTOCOL_ERROR,
    START_TIMEOUT,
    CLOSED
  }

  private static final int TAIL_LINES = 5;

  /** The job id and queue of the round trip a child makes before it counts as ready. */
  private static final String REHEARSAL = "semafor-rehearsal";

  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);

  private final Process process;
  private final FrameCodec codec;
  private final InputStream in;

  /** Guarded by itself. */
  private final OutputStream out;

  /** The last lines of stderr. Guarded by itself. */
  private final Deque<String> tail = new ArrayDeque<>();

  private final Thread pump;
  private volatile KillReason killReason;

  /** Jobs sent to this child. Member thread only. */
  private int jobs;

  private ChildProcess(Process process, FrameCodec codec, Consumer<String> output) {
    this.process = process;
    this.codec = codec;
    this.in = process.getInputStream();
    this.out = process.getOutputStream();
    this.pump =
        Thread.ofPlatform()
            .daemon()
            .name("semafor-child-" + process.pid() + "-stderr")
            .start(() -> pumpStderr(output));
  }

  /** Starts a child; it is usable once {@link #awaitReady} returns. */
  static ChildProcess start(ChildCommand command, FrameCodec codec, Consumer<String> output)
      throws IOException {
    Process process = command.processBuilder().start();
    return new ChildProcess(process, codec, output);
  }

  /**
   * Waits for the child's Ready frame, killing it after {@code timeout}; returns that frame.
   *
   * @throws WorkerProcessStartException if it exits (or is killed) before it is ready
   * @throws ProtocolException if its first frame is not Ready
   */
  Frame.Ready awaitReady(Duration timeout, ScheduledExecutorService watchdog) throws IOException {
    ScheduledFuture<?> deadline =
        watchdog.schedule(
            () -> kill(KillReason.START_TIMEOUT), timeout.toNanos(), TimeUnit.NANOSECONDS);
    Frame first;
    try {
      first = read();
      if (first instanceof Frame.Ready ready) {
        rehearse();
        return ready;
      }
    } catch (ProtocolException e) {
      kill(KillReason.PROTOCOL_ERROR);
      throw new ProtocolException(
          "worker process " + pid() + " sent a malformed first frame: " + e.getMessage(), e);
    } finally {
      deadline.cancel(false);
    }
    if (first == null) {
      int code = awaitExit(OUTPUT_DRAIN);
      String how =
          killReason == KillReason.START_TIMEOUT
              ? "did not start within " + timeout.toMillis() + " ms and was killed"
              : "exited during start-up: " + ExitStatus.describe(code);
      throw new WorkerProcessStartException("worker process " + pid() + " " + how + lastOutput());
    }
    kill(KillReason.PROTOCOL_ERROR);
    throw new ProtocolException(
        "worker process "
            + pid()
            + " sent a "
            + FrameCodec.kind(first)
            + " frame where ready was expected");
  }

  /**
   * Sends one {@code semafor.noop} through the real pipes and waits for its outcome, so that the
   * first real job does not pay for what every side does once (classes loaded and linked, the frame
   * types' JSON set up, the child's reader thread started, on both ends of both pipes): about 10–20
   * ms a child, measured on the 20 jobs of {@code semafor demo}. A child that cannot answer it is
   * left to fail on its first job, as it would have.
   */
  private void rehearse() throws IOException {
    send(codec.encode(new Frame.Run(REHEARSAL, BuiltinTasks.NOOP, REHEARSAL, 1, 1, "null")));
    Frame frame;
    while ((frame = read()) != null) {
      if (frame instanceof Frame.Done done && done.jobId().equals(REHEARSAL)) {
        return;
      }
    }
  }

  long pid() {
    return process.pid();
  }

  /** Runs {@code action} once the child has exited, however it ended. */
  void onExit(Runnable action) {
    var unused = process.onExit().thenRun(action); // it runs once the child exits
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int jobs() {
    return jobs;
  }

  void countJob() {
    jobs++;
  }

  /** Writes one encoded frame (from {@link FrameCodec#encode}) and flushes. */
  @Override
  public void send(byte[] encodedFrame) throws IOException {
    synchronized (out) {
      out.write(encodedFrame);
      out.flush();
    }
  }

  /**
   * Closes the child's stdin. After a Stop frame, the child ends its reader thread and exits once
   * its queue is done; without one, it takes this as its parent's death and halts at once.
   */
  void closeInput() {
    synchronized (out) {
      try {
        out.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  /** Reads the next frame; {@code null} when the child closed stdout (it died or exited). */
  Frame read() throws IOException {
    return codec.read(in);
  }

  /** Kills the child now, recording the first reason given. */
  @Override
  public void kill(KillReason reason) {
    synchronized (this) {
      if (killReason == null) {
        killReason = reason;
      }
    }
    process.destroyForcibly();
  }

  KillReason killReason() {
    return killReason;
  }

  /** Waits up to {@code timeout} for the child to exit, then kills it; returns its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(KillReason.STOP_TIMEOUT);
        process.waitFor();
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(KillReason.CLOSED);
      return process.onExit().join().exitValue();
    }
  }

  /**
   * The last lines the child wrote to stderr, as {@code "; last output: …"}, or "" if none. Waits
   * briefly for the forwarding thread to catch up with a child that has exited.
   */
  String lastOutput() {
    if (!process.isAlive()) {
      try {
        pump.join(OUTPUT_DRAIN);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (tail) {
      return tail.isEmpty() ? "" : "; last output: " + String.join(" | ", tail);
    }
  }

  private void pumpStderr(Consumer<String> output) {
    String prefix = "[semafor child " + process.pid() + "] ";
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), Charset.defaultCharset()))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (tail) {
          if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
          }
          tail.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
        }
        output.accept(prefix + line);
      }
    } catch (IOException | RuntimeException e) {
      // the child is gone; nothing more to forward
    }
  }

  @Override
  public String toString() {
    return "worker process " + pid();
  }
}
