package dev.semafor.worker;

import dev.semafor.JobError;

/** How one attempt ended, as a pool reports it to the worker. */
public sealed interface Outcome {
  /** The task returned; {@code resultJson} is its value as JSON text ({@code "null"} for none). */
  record Succeeded(String resultJson) implements Outcome {}

  /**
   * The task threw, timed out, or its process died. {@code retryable} false means retrying cannot
   * help (an unknown task, a payload that does not bind): the job goes straight to DEAD.
   */
  record Failed(JobError error, boolean retryable) implements Outcome {}

  /** The task stopped because its job was cancelled. */
  record Cancelled(String reason) implements Outcome {}
}
