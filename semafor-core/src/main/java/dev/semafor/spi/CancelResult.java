package dev.semafor.spi;

/** What {@link Broker#cancel} did. */
public enum CancelResult {
  /** The job was waiting and is now {@code CANCELLED}. */
  CANCELLED,
  /** The job is running; its worker is asked to stop it at its next heartbeat. */
  CANCEL_REQUESTED,
  /** The job had already finished; nothing changed. */
  ALREADY_FINISHED,
  /** No job has that id. */
  NOT_FOUND
}
