package dev.semafor;

/**
 * A completion, failure or heartbeat carried a lease token that is no longer the job's current one:
 * the lease expired and the job was handed to another attempt. Nothing was changed.
 */
public class LeaseLostException extends SemaforException {
  public LeaseLostException(String jobId) {
    super("lease lost for job " + jobId + ": it expired and the job was leased again or reaped");
  }
}
