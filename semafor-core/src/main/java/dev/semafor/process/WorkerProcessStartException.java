package dev.semafor.process;

import dev.semafor.SemaforException;

/**
 * A child JVM of the process pool could not be started, or exited or hung before it was ready: a
 * wrong JVM option, a missing {@code java} binary, a task module that throws while loading.
 */
public class WorkerProcessStartException extends SemaforException {
  public WorkerProcessStartException(String message) {
    super(message);
  }

  public WorkerProcessStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
