package dev.semafor.spi;

import java.time.Duration;

/**
 * Maintenance: the periodic sweeps a worker (or any one process) runs so that the store stays
 * correct and bounded: expired leases go back to their queues, finished jobs are pruned after their
 * retention. Each call may run on many hosts at once; each job is swept once.
 */
public interface Maintenance {

  /**
   * Returns every job whose lease has expired to its queue (or to {@code DEAD} if it has no
   * attempts left). Returns how many were reaped.
   */
  int reapExpiredLeases();

  /**
   * Deletes finished jobs that finished more than {@code retention} ago; returns how many. Members
   * of a group still waiting for its callback are kept until the group is done.
   */
  int prune(Duration retention);
}
