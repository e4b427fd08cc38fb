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

  /** Throws {@link java.util.concurrent.CancellationException} if the job was cancelled. */
  default void checkCancelled() {
    if (isCancelled()) {
      throw new java.util.concurrent.CancellationException("job " + jobId() + " was cancelled");
    }
  }
}
