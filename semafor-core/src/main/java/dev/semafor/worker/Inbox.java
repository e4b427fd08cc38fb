package dev.semafor.worker;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's local queue between its fetcher and its pool: unbounded (the fetcher bounds what it
 * leases), FIFO. Taking from it ({@link #take()} or {@link #poll()}) stamps the assignment's start
 * time and tells the fetcher there may be room for more.
 *
 * <p>One lock over an array deque rather than a {@link java.util.concurrent.LinkedBlockingQueue}:
 * the fetcher hands over a whole leased batch with {@link #addAll} under one lock acquisition and
 * without a node per job, which matters when jobs take microseconds.
 */
final class Inbox extends AbstractQueue<Assignment> implements BlockingQueue<Assignment> {
  /** Called after each take of a real assignment. */
  interface TakeListener {
    void taken(Assignment assignment);
  }

  private final TakeListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
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
    Assignment a;
    lock.lockInterruptibly();
    try {
      while ((a = items.pollFirst()) == null) {
        notEmpty.await();
      }
    } finally {
      lock.unlock();
    }
    return taken(a);
  }

  @Override
  public Assignment poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
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
    return taken(a);
  }

  /** The process pool polls for more short jobs to pipeline to its children. */
  @Override
  public Assignment poll() {
    Assignment a;
    lock.lock();
    try {
      a = items.pollFirst();
    } finally {
      lock.unlock();
    }
    return a == null ? null : taken(a);
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

  private Assignment taken(Assignment a) {
    if (!a.isPoison()) {
      a.markStarted();
      listener.taken(a);
    }
    return a;
  }
}
