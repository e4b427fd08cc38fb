package dev.semafor.task;

import dev.semafor.JobContext;
import dev.semafor.SemaforException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of executions that {@code semafor chaos} keeps outside the broker: the built-in task
 * {@code semafor.chaos} appends one line per execution that reached its end ({@code JOB_ID PID
 * ATTEMPT}) to the file named by {@link #ENV}, and forces it to disk before the job reports
 * success. A job the broker calls {@code SUCCEEDED} therefore has at least one line here; a job
 * with two lines ran twice.
 *
 * <p>Each line is one {@code write} to a file opened for appending, well under a page, so lines
 * from many processes do not interleave. The file's name comes from the worker's environment, never
 * from a job's input: a payload cannot make a worker write anywhere.
 */
public final class ExecutionLog {
  /** The environment variable that names the log; {@code semafor chaos} sets it for its workers. */
  public static final String ENV = "SEMAFOR_CHAOS_LOG";

  /** The task that records its execution. */
  public static final String TASK = "semafor.chaos";

  private static final Object LOCK = new Object();

  /** Opened on first use in this process. Guarded by {@link #LOCK}. */
  private static FileChannel channel;

  private ExecutionLog() {}

  /** Input of {@code semafor.chaos}: how long the job works before it records itself. */
  public record Input(long ms) {
    public Input {
      if (ms < 0) {
        throw new IllegalArgumentException("ms must not be negative: " + ms);
      }
    }
  }

  /** The body of {@code semafor.chaos}: works {@code input.ms()} ms, then appends its line. */
  static Object run(Input input, JobContext ctx) throws InterruptedException {
    if (input != null && input.ms() > 0) {
      Thread.sleep(input.ms());
    }
    String line = ctx.jobId() + " " + ProcessHandle.current().pid() + " " + ctx.attempt() + "\n";
    append(line.getBytes(StandardCharsets.US_ASCII));
    return null;
  }

  private static void append(byte[] line) {
    synchronized (LOCK) {
      try {
        FileChannel out = open();
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the execution log: " + e.getMessage(), e);
      }
    }
  }

  private static FileChannel open() throws IOException {
    if (channel == null) {
      String file = System.getenv(ENV);
      if (file == null || file.isBlank()) {
        throw new SemaforException(
            TASK + " runs only under 'semafor chaos', which names its log in $" + ENV);
      }
      channel =
          FileChannel.open(
              Path.of(file),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
    }
    return channel;
  }

  /** Executions per job id, read from a log file (a missing file reads as no executions). */
  public static Map<String, Integer> read(Path file) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    if (!Files.exists(file)) {
      return counts;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space > 0) {
        counts.merge(line.substring(0, space), 1, Integer::sum);
      }
    }
    return counts;
  }
}
