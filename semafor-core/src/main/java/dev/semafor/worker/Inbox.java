package dev.semafor.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The worker's local queue between its fetcher and its pool: unbounded (the fetcher bounds what it
 * leases), FIFO. Taking from it ({@link #take()} or {@link #poll()}) stamps the assignment's start
 * time and tells the fetcher there may be room for more.
 *
 * <p>A job whose lease has expired must not start: a take skips an assignment the listener calls
 * {@linkplain TakeListener#stale stale} (its lease expired as the worker knows it, say after the
 * process was stopped), takes every other stale one from the head with it, and hands them back to
 * the worker ({@link TakeListener#handBack}) instead of returning them.
 *
 * <p>One lock over an array deque rather than a {@link java.util.concurrent.LinkedBlockingQueue}:
 * the fetcher hands over a whole leased batch with {@link #addAll} under one lock acquisition and
 * without a node per job, which matters when jobs take microseconds.
 */
final class Inbox extends AbstractQueue<Assignment> implements BlockingQueue<Assignment> {
  /** Called after each take of a real assignment. */
  interface TakeListener {
    void taken(Assignment assignment);

    /** True if {@code assignment} must not start; checked by each take, off the lock. */
    default boolean stale(Assignment assignment) {
      return false;
    }

    /** Receives stale assignments a take skipped (on the taking thread, off the lock). */
    default void handBack(List<Assignment> stale) {}
  }

  private final TakeListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();

  @GuardedBy("lock")
  private final ArrayDeque<Assignment> items = new ArrayDeque<>();

  Inbox(TakeListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public boolean offer(Assignment a) {
    Objects.requireNonNull(a, "assignment");
    lock.lock();
    try {
      items.addLast(a);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return true;
  }

  /** Adds the whole batch at once, waking as many waiting members as it has jobs. */
  @Override
  public boolean addAll(Collection<? extends Assignment> batch) {
    if (batch.isEmpty()) {
      return false;
    }
    for (Assignment a : batch) {
      Objects.requireNonNull(a, "assignment");
    }
    lock.lock();
    try {
      items.addAll(batch);
      for (int i = 0; i < batch.size() && lock.hasWaiters(notEmpty); i++) {
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
    return true;
  }

  @Override
  public void put(Assignment a) {
    offer(a);
  }

  @Override
  public boolean offer(Assignment a, long timeout, TimeUnit unit) {
    return offer(a);
  }

  @Override
  public Assignment take() throws InterruptedException {
    while (true) {
      Assignment a;
      lock.lockInterruptibly();
      try {
        while ((a = items.pollFirst()) == null) {
          notEmpty.await();
        }
      } finally {
        lock.unlock();
      }
      if ((a = taken(a)) != null) {
        return a;
      }
    }
  }

  @Override
  public Assignment poll(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      long nanos = deadline - System.nanoTime();
      Assignment a;
      lock.lockInterruptibly();
      try {
        while ((a = items.pollFirst()) == null) {
          if (nanos <= 0) {
            return null;
          }
          nanos = notEmpty.awaitNanos(nanos);
        }
      } finally {
        lock.unlock();
      }
      if ((a = taken(a)) != null) {
        return a;
      }
    }
  }

  /** The process pool polls for more short jobs to pipeline to its children. */
  @Override
  public Assignment poll() {
    while (true) {
      Assignment a;
      lock.lock();
      try {
        a = items.pollFirst();
      } finally {
        lock.unlock();
      }
      if (a == null || (a = taken(a)) != null) {
        return a;
      }
    }
  }

  @Override
  public Assignment peek() {
    lock.lock();
    try {
      return items.peekFirst();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int remainingCapacity() {
    return Integer.MAX_VALUE;
  }

  /** Moves waiting assignments out without marking them taken (they never started). */
  @Override
  public int drainTo(Collection<? super Assignment> sink) {
    return drainTo(sink, Integer.MAX_VALUE);
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // draining into itself is the one case refused
  public int drainTo(Collection<? super Assignment> sink, int max) {
    if (sink == this) {
      throw new IllegalArgumentException("cannot drain an inbox into itself");
    }
    lock.lock();
    try {
      int n = 0;
      Assignment a;
      while (n < max && (a = items.pollFirst()) != null) {
        sink.add(a);
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves the assignments at the head that {@code test} accepts into {@code sink}, up to the first
   * it refuses (never the poison pill), without marking them taken; returns how many.
   */
  int drainWhile(Predicate<Assignment> test, Collection<? super Assignment> sink) {
    lock.lock();
    try {
      int n = 0;
      Assignment a;
      while ((a = items.peekFirst()) != null && !a.isPoison() && test.test(a)) {
        sink.add(items.pollFirst());
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Removes this very assignment if it is still waiting (not taken); true if it was. */
  @Override
  public boolean remove(Object assignment) {
    lock.lock();
    try {
      return items.removeFirstOccurrence(assignment);
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot: later changes to the inbox do not show in it, and it cannot remove. */
  @Override
  public Iterator<Assignment> iterator() {
    lock.lock();
    try {
      return java.util.Collections.unmodifiableList(new ArrayList<>(items)).iterator();
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code a} taken and returns it; or, if it is stale, hands it back and returns null. */
  private Assignment taken(Assignment a) {
    if (a.isPoison()) {
      return a;
    }
    if (listener.stale(a)) {
      List<Assignment> stale = new ArrayList<>();
      stale.add(a);
      drainWhile(listener::stale, stale);
      listener.handBack(stale);
      return null;
    }
    a.markStarted();
    listener.taken(a);
    return a;
  }
}
