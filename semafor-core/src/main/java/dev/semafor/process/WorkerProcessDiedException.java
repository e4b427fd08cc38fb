package dev.semafor.process;

import dev.semafor.SemaforException;

/**
 * The child JVM running a job died before it reported an outcome: the task called {@code
 * System.exit} or {@code Runtime.halt}, ran out of memory, crashed, or the process was killed from
 * outside. Its name is the type of the {@link dev.semafor.JobError} such an attempt fails with.
 */
public class WorkerProcessDiedException extends SemaforException {
  public WorkerProcessDiedException(String message) {
    super(message);
  }
}
