package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The contention experiment: N execution units each add 1 to one shared counter M times, guarded in
 * turn by nothing, a {@link ReentrantLock}, {@code synchronized}, an {@link AtomicLong} and a
 * {@link LongAdder}. Without a guard, two units read the same value and both write it back plus
 * one: one update is lost — a race condition, counted. Each guard fixes it at a cost, measured in
 * nanoseconds per increment (wall time over all increments).
 *
 * <p>To make the race show on any machine, even one with a single core or a slow one, every unit
 * calls {@link Thread#yield()} once every {@value #YIELD_EVERY} increments: for the unguarded
 * counter between its read and its write (the scheduler may switch there), for the others after the
 * guarded update. Every strategy thus pays the same yields.
 */
final class ContentionLab {
  static final int YIELD_EVERY = 256;

  private ContentionLab() {}

  /** How the counter is guarded. */
  enum Strategy {
    NONE("no lock"),
    LOCK("ReentrantLock"),
    SYNCHRONIZED("synchronized"),
    ATOMIC("AtomicLong"),
    ADDER("LongAdder");

    final String label;

    Strategy(String label) {
      this.label = label;
    }
  }

  /** One strategy's outcome. */
  record Row(
      String strategy,
      long expected,
      long actual,
      long lost,
      double seconds,
      double nanosPerIncrement) {}

  /** A counter shared by every unit. */
  private interface Counter {
    /** Adds one; {@code yield} asks for a {@link Thread#yield()} (see the class comment). */
    void increment(boolean yield);

    long value();
  }

  /** Runs one strategy with {@code units} threads of {@code model}. */
  static Row run(Strategy strategy, ExecutionModel model, int units, int increments)
      throws InterruptedException {
    Counter counter = counter(strategy);
    CountDownLatch ready = new CountDownLatch(units);
    CountDownLatch go = new CountDownLatch(1);
    Thread.Builder builder =
        model == ExecutionModel.VIRTUAL
            ? Thread.ofVirtual().name("lab-contention-", 0)
            : Thread.ofPlatform().name("lab-contention-", 0);
    List<Thread> threads = new ArrayList<>(units);
    for (int u = 0; u < units; u++) {
      threads.add(
          builder.start(
              () -> {
                ready.countDown();
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 1; i <= increments; i++) {
                  counter.increment(i % YIELD_EVERY == 0);
                }
              }));
    }
    ready.await();
    long started = System.nanoTime();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long nanos = System.nanoTime() - started;
    long expected = (long) units * increments;
    long actual = counter.value();
    return new Row(
        strategy.label,
        expected,
        actual,
        expected - actual,
        nanos / 1e9,
        (double) nanos / expected);
  }

  private static Counter counter(Strategy strategy) {
    return switch (strategy) {
      case NONE -> new Unguarded();
      case LOCK -> new Locked();
      case SYNCHRONIZED -> new Synchronized();
      case ATOMIC -> new Atomic();
      case ADDER -> new Adder();
    };
  }

  /**
   * A plain {@code int} field, read then written back plus one ({@code count++} spelled out) with
   * no guard: the race. Between two yields the JIT may even keep the count in a register, which
   * loses whole runs of updates at once; that is allowed for an unguarded field.
   */
  private static final class Unguarded implements Counter {
    private int count;

    @Override
    public void increment(boolean yield) {
      int read = count;
      if (yield) {
        Thread.yield();
      }
      count = read + 1;
    }

    @Override
    public long value() {
      return count;
    }
  }

  private static final class Locked implements Counter {
    private final ReentrantLock lock = new ReentrantLock();

    /** Guarded by {@link #lock}. */
    private int count;

    @Override
    public void increment(boolean yield) {
      lock.lock();
      try {
        count++;
      } finally {
        lock.unlock();
      }
      if (yield) {
        Thread.yield();
      }
    }

    @Override
    public long value() {
      lock.lock();
      try {
        return count;
      } finally {
        lock.unlock();
      }
    }
  }

  private static final class Synchronized implements Counter {
    /** Guarded by this. */
    private int count;

    @Override
    public void increment(boolean yield) {
      synchronized (this) {
        count++;
      }
      if (yield) {
        Thread.yield();
      }
    }

    @Override
    public synchronized long value() {
      return count;
    }
  }

  private static final class Atomic implements Counter {
    private final AtomicLong count = new AtomicLong();

    @Override
    public void increment(boolean yield) {
      count.incrementAndGet();
      if (yield) {
        Thread.yield();
      }
    }

    @Override
    public long value() {
      return count.get();
    }
  }

  private static final class Adder implements Counter {
    private final LongAdder count = new LongAdder();

    @Override
    public void increment(boolean yield) {
      count.increment();
      if (yield) {
        Thread.yield();
      }
    }

    @Override
    public long value() {
      return count.sum();
    }
  }
}
