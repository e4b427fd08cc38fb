package dev.semafor.broker;

/**
 * One job as the memory broker holds it. Every field is guarded by the broker's lock, but {@link
 * #record}, which {@link MemoryBroker#get} reads without it.
 */
final class Slot {
  /** Enqueue order: FIFO within a priority. */
  final long seq;

  /** Its queue's job counts by state (a job never changes queue), kept in step on transitions. */
  final long[] counts;

  volatile JobRecord record;

  /** The current lease's token; null while no lease is live. */
  String token;

  /** True while the slot sits in its queue's ready structure. */
  boolean inReady;

  /**
   * Links in the broker's list of leased slots: in it while a lease is live (both null otherwise,
   * but for the list's ends). An intrusive list takes a job in and out with no lookup or allocation
   * on every lease and completion; only reaping and cancellation checks walk it.
   */
  Slot prevLeased;

  Slot nextLeased;

  Slot(long seq, JobRecord record, long[] counts) {
    this.seq = seq;
    this.record = record;
    this.counts = counts;
  }
}
