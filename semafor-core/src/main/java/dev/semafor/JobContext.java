package dev.semafor;

/** What a running task knows about its job, and how it talks back to the worker. */
public interface JobContext {
  String jobId();

  String task();

  String queue();

  /** 1 for the first attempt. */
  int attempt();

  int maxAttempts();

  /** True once the job was cancelled or the worker is stopping; check it in long loops. */
  boolean isCancelled();

  /**
   * Reports progress in [0, 1] with an optional message. Writes to the broker are throttled, so a
   * chatty task cannot flood it.
   */
  void progress(double fraction, String message);

  /**
   * Writes a line to the job's log, which is stored with the job and shown by {@code semafor job
   * ID}, the HTTP API and the dashboard. A text with line breaks is several lines. The worker sends
   * lines in batches, about once a second and before the attempt's outcome, so logging costs no
   * broker call per line. A job keeps its last {@value dev.semafor.spi.LogLine#MAX_LINES} lines (of
   * every attempt), each cut at {@value dev.semafor.spi.LogLine#MAX_CHARS} characters. Contexts
   * that keep no log (a worker process's warm-up run) ignore it.
   */
  default void log(String line) {}

  /** Throws {@link java.util.concurrent.CancellationException} if the job was cancelled. */
  default void checkCancelled() {
    if (isCancelled()) {
      throw new java.util.concurrent.CancellationException("job " + jobId() + " was cancelled");
    }
  }
}
