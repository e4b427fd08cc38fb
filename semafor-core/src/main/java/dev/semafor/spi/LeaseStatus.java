package dev.semafor.spi;

/** What a broker says about one lease when it is heartbeated. */
public enum LeaseStatus {
  /** Extended; carry on. */
  ACTIVE,
  /** Extended, but someone asked to cancel the job: stop it soon. */
  CANCEL_REQUESTED,
  /** The token is no longer current; the attempt's result will be rejected. */
  LOST
}
