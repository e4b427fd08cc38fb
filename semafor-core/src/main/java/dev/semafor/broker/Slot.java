package dev.semafor.broker;

/**
 * One job as the memory broker holds it. Every field is guarded by the broker's lock, but {@link
 * #record}, which {@link MemoryBroker#get} reads without it.
 */
final class Slot {
  /** Enqueue order: FIFO within a priority. */
  final long seq;

  volatile JobRecord record;

  /** The current lease's token; null while no lease is live. */
  String token;

  /** True while the slot sits in its queue's ready structure. */
  boolean inReady;

  Slot(long seq, JobRecord record) {
    this.seq = seq;
    this.record = record;
  }
}
