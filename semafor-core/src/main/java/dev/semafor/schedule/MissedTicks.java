package dev.semafor.schedule;

/**
 * What a schedule does about ticks that passed while no worker ran it (or while its workers were
 * too late: more than the schedule's grace after the tick).
 */
public enum MissedTicks {
  /** Missed ticks run nothing; the schedule goes on from the next tick. */
  SKIP,
  /** However many ticks were missed, one job runs for them, as soon as a worker notices. */
  RUN_ONCE
}
