package dev.semafor.worker;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The time a worker runs on: the clock its parts read, a monotonic nanosecond count for intervals,
 * and the timers they wait on (heartbeats, time limits, back-offs after a failed write). {@link
 * #system} is the real one; a test passes a virtual one whose time moves only when the test moves
 * it, so that a heartbeat interval or a back-off of seconds costs no wall time.
 *
 * <p>Internal: the worker takes one through a package-private constructor. The public constructors
 * use {@link #system}.
 */
interface WorkerTime {
  /** The wall clock (lease expiries, retry times, give-up deadlines). */
  InstantSource clock();

  /** A monotonic count of nanoseconds, as {@link System#nanoTime()}, for intervals. */
  long nanoTime();

  /**
   * A timer for one part of the worker. The system one is a daemon thread named {@code name} per
   * call, so that a slow task of one part (a heartbeat on a slow broker) never delays another's (a
   * job's time limit).
   */
  Timer timer(String name);

  /** Delayed and periodic work of one part; tasks run one at a time, on the timer. */
  interface Timer {
    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} every {@code period}, the first time one period from now (fixed delay). */
    Cancellable repeat(Runnable task, Duration period);

    /**
     * Parks the calling thread for up to {@code delay} on this timer's time, as {@link
     * LockSupport#parkNanos(Object, long)}: an unpark or an interrupt ends it early, and it may
     * return spuriously. The interrupt status is left as it is.
     */
    void park(Object blocker, Duration delay);

    /** Stops running tasks, at once; tasks running now are interrupted. Idempotent. */
    void close();
  }

  /** A scheduled task; cancelling one that ran or was cancelled does nothing. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** Real time: {@code clock}, {@link System#nanoTime()} and a timer thread per part. */
  static WorkerTime system(InstantSource clock) {
    Objects.requireNonNull(clock, "clock");
    return new WorkerTime() {
      @Override
      public InstantSource clock() {
        return clock;
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Timer timer(String name) {
        return new SystemTimer(name);
      }
    };
  }

  /** A {@link ScheduledThreadPoolExecutor} of one daemon thread that forgets cancelled tasks. */
  final class SystemTimer implements Timer {
    private final ScheduledThreadPoolExecutor executor;

    SystemTimer(String name) {
      executor =
          new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name(name).daemon(true).factory());
      executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      return cancellable(executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
    }

    @Override
    public Cancellable repeat(Runnable task, Duration period) {
      long nanos = period.toNanos();
      return cancellable(executor.scheduleWithFixedDelay(task, nanos, nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public void park(Object blocker, Duration delay) {
      LockSupport.parkNanos(blocker, delay.toNanos());
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }

    private static Cancellable cancellable(ScheduledFuture<?> future) {
      return () -> future.cancel(false);
    }
  }
}
