package dev.semafor;

import java.util.Locale;

/**
 * A job could not be put back on its queue because another job with the same unique key is active
 * (scheduled, queued or running): two active jobs never share a key. Thrown by {@link
 * dev.semafor.spi.Broker#retry}; nothing was changed.
 */
public class UniqueKeyConflictException extends SemaforException {
  private final String jobId;
  private final String uniqueKey;
  private final String holderId;
  private final JobState holderState;

  public UniqueKeyConflictException(
      String jobId, String uniqueKey, String holderId, JobState holderState) {
    super(
        "job "
            + jobId
            + " has unique key '"
            + uniqueKey
            + "', which job "
            + holderId
            + " holds while it is "
            + holderState.name().toLowerCase(Locale.ROOT)
            + "; cancel "
            + holderId
            + " or wait for it to finish");
    this.jobId = jobId;
    this.uniqueKey = uniqueKey;
    this.holderId = holderId;
    this.holderState = holderState;
  }

  /** The job that was not retried. */
  public String jobId() {
    return jobId;
  }

  public String uniqueKey() {
    return uniqueKey;
  }

  /** The active job that holds the key. */
  public String holderId() {
    return holderId;
  }

  /** What the holder was doing when the retry was refused. */
  public JobState holderState() {
    return holderState;
  }
}
