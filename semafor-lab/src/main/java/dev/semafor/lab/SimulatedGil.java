package dev.semafor.lab;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A simulated global interpreter lock — a teaching tool, not something Java needs. Java has no GIL;
 * this one shows what CPython's costs CPU-bound threads.
 *
 * <p>A unit that computes must hold the lock ({@link #enter}). Every few thousand steps the
 * computation calls {@link Turn#checkpoint()}; once the switch interval (5 ms by default, like
 * CPython's {@code sys.getswitchinterval()}) has passed since it took the lock, the unit releases
 * it and contends for it again. The lock is fair, so a unit that was waiting gets its turn: at most
 * one unit computes at a time, however many cores there are. One lock per instance: per JVM when a
 * process holds one, as each CPython process has its own GIL.
 */
final class SimulatedGil {
  static final Duration DEFAULT_SWITCH_INTERVAL = Duration.ofMillis(5);

  private final ReentrantLock lock = new ReentrantLock(true);
  private final long switchNanos;

  SimulatedGil() {
    this(DEFAULT_SWITCH_INTERVAL);
  }

  SimulatedGil(Duration switchInterval) {
    if (switchInterval.isNegative()) {
      throw new IllegalArgumentException("switch interval must not be negative: " + switchInterval);
    }
    this.switchNanos = switchInterval.toNanos();
  }

  /** Takes the lock (waiting for it as long as it takes) and returns the turn that holds it. */
  Turn enter() throws InterruptedException {
    lock.lockInterruptibly();
    return new Turn();
  }

  /** True if some unit is waiting for the lock. */
  boolean hasWaiters() {
    return lock.hasQueuedThreads();
  }

  /**
   * One unit's hold on the lock, from {@link #enter} to {@link #close}. Used by one thread only.
   */
  final class Turn implements AutoCloseable {
    private long heldSince = System.nanoTime();
    private boolean held = true;
    private long handoffs;

    private Turn() {}

    /**
     * Gives the lock up and takes it back if the switch interval has passed. Cheap otherwise (one
     * {@link System#nanoTime()}): call it every few thousand steps.
     */
    void checkpoint() throws InterruptedException {
      if (System.nanoTime() - heldSince < switchNanos) {
        return;
      }
      boolean others = lock.hasQueuedThreads();
      held = false;
      lock.unlock();
      lock.lockInterruptibly();
      held = true;
      if (others) {
        handoffs++;
      }
      heldSince = System.nanoTime();
    }

    /** Times this unit released the lock while another one was waiting for it. */
    long handoffs() {
      return handoffs;
    }

    @Override
    public void close() {
      if (held) {
        held = false;
        lock.unlock();
      }
    }
  }
}
