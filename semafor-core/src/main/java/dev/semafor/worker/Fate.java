package dev.semafor.worker;

/** What the worker made of a finished attempt when it recorded it. */
public enum Fate {
  /** Stored as {@code SUCCEEDED}. */
  SUCCEEDED,
  /** Failed with attempts left: scheduled to run again after its backoff. */
  RETRIED,
  /** Failed for the last time, or with an error retrying cannot fix: {@code DEAD}. */
  DEAD,
  /** Stopped because its job was cancelled. */
  CANCELLED
}
