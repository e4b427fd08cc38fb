package dev.semafor.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Worker time that moves only when the test moves it ({@link #advance}): a clock, a nanosecond
 * count, and timers whose tasks run on the advancing thread, in time order, as the advance passes
 * their time. A thread parked on one of its timers ({@link WorkerTime.Timer#park}) stays parked
 * until an advance passes its deadline (or it is unparked or interrupted).
 *
 * <p>{@link #pending} says how many timed tasks and parks are waiting, so that a test can wait
 * until a part is waiting on the timer before it moves time on.
 */
final class VirtualTime implements WorkerTime {
  private static final long START_NANOS = 1_000_000_000L;

  /** A timed task; its time moves on each run if it repeats. Fields change only off the queue. */
  private static final class Entry implements Comparable<Entry> {
    final Runnable task;
    final long period;
    final VirtualTimer timer;
    long at;
    long seq;
    volatile boolean cancelled;

    Entry(Runnable task, long period, VirtualTimer timer) {
      this.task = task;
      this.period = period;
      this.timer = timer;
    }

    @Override
    public int compareTo(Entry o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  private final Instant epoch;

  /** Guarded by this. */
  private final PriorityQueue<Entry> due = new PriorityQueue<>();

  /** Guarded by this for writes. */
  private volatile long nanos = START_NANOS;

  /** Guarded by this. */
  private long seq;

  VirtualTime(Instant start) {
    this.epoch = start;
  }

  VirtualTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  private final InstantSource clock = this::instant;

  @Override
  public InstantSource clock() {
    return clock;
  }

  /** Now, on this time. */
  Instant instant() {
    return epoch.plusNanos(nanos - START_NANOS);
  }

  long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Timer timer(String name) {
    return new VirtualTimer();
  }

  /** Timed tasks and parks waiting for time to pass. */
  synchronized int pending() {
    return due.size();
  }

  /**
   * Moves time on by {@code step}, running each task that falls due on the way, on this thread, at
   * its own moment (the clock reads that moment while it runs).
   */
  void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("only forward: " + step);
    }
    long target;
    synchronized (this) {
      target = nanos + step.toNanos();
    }
    while (true) {
      Entry next;
      synchronized (this) {
        next = due.peek();
        if (next == null || next.at > target) {
          nanos = target;
          return;
        }
        due.poll();
        nanos = Math.max(nanos, next.at);
      }
      if (next.cancelled || next.timer.closed) {
        continue;
      }
      next.task.run();
      if (next.period > 0) {
        synchronized (this) {
          if (!next.cancelled && !next.timer.closed) {
            queue(next, nanos + next.period);
          }
        }
      }
    }
  }

  /** Caller holds this. */
  private void queue(Entry e, long at) {
    e.at = at;
    e.seq = seq++;
    due.add(e);
  }

  private Cancellable add(VirtualTimer timer, Runnable task, Duration delay, long period) {
    Entry e = new Entry(task, period, timer);
    synchronized (this) {
      queue(e, nanos + delay.toNanos());
    }
    return () -> {
      e.cancelled = true;
      synchronized (VirtualTime.this) {
        due.remove(e);
      }
    };
  }

  private final class VirtualTimer implements Timer {
    private volatile boolean closed;

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      return add(this, task, delay, 0);
    }

    @Override
    public Cancellable repeat(Runnable task, Duration period) {
      if (period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("period must be positive: " + period);
      }
      return add(this, task, period, period.toNanos());
    }

    @Override
    public void park(Object blocker, Duration delay) {
      Thread self = Thread.currentThread();
      Cancellable wake = schedule(() -> LockSupport.unpark(self), delay);
      try {
        LockSupport.park(blocker);
      } finally {
        wake.cancel();
      }
    }

    @Override
    public void close() {
      closed = true;
      synchronized (VirtualTime.this) {
        due.removeIf(e -> e.timer == this);
      }
    }
  }
}
