package dev.semafor;

import java.time.Duration;

/** A job ran past its time limit and was stopped. */
public class JobTimeoutException extends SemaforException {
  public JobTimeoutException(String jobId, Duration limit) {
    super("job " + jobId + " timed out after " + limit.toMillis() + " ms");
  }
}
