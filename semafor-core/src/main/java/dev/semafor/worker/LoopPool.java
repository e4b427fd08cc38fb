package dev.semafor.worker;

import dev.semafor.ExecutionModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code SEQUENTIAL} and {@code THREADS} pools: a fixed set of platform threads, each a loop
 * that takes an {@link Assignment} from the local queue, runs it, reports it, and stands by for the
 * next — until it takes the poison pill. {@code SEQUENTIAL} is the one-member case.
 *
 * <p>A member clears its interrupt flag between jobs: an interrupt is aimed at one job (its
 * cancellation or timeout), never at the member.
 */
final class LoopPool implements ExecutionPool {
  private final ExecutionModel model;
  private final int size;
  private final JobExecutor executor;
  private final String namePrefix;
  private final List<Thread> members = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private BlockingQueue<Assignment> inbox;

  LoopPool(ExecutionModel model, int size, JobExecutor executor, String namePrefix) {
    if (model != ExecutionModel.SEQUENTIAL && model != ExecutionModel.THREADS) {
      throw new IllegalArgumentException("LoopPool runs sequential or threads, not " + model);
    }
    this.model = model;
    this.size = size;
    this.executor = executor;
    this.namePrefix = namePrefix;
  }

  @Override
  public ExecutionModel model() {
    return model;
  }

  @Override
  public int concurrency() {
    return size;
  }

  @Override
  public int running() {
    return running.get();
  }

  @Override
  public synchronized void start(BlockingQueue<Assignment> inbox, OutcomeSink sink) {
    if (this.inbox != null) {
      throw new IllegalStateException("pool already started");
    }
    this.inbox = inbox;
    for (int i = 0; i < size; i++) {
      Thread t =
          Thread.ofPlatform()
              .name(namePrefix + "-" + model.label() + "-" + i)
              .daemon(true)
              .unstarted(() -> loop(inbox, sink));
      members.add(t);
      t.start();
    }
  }

  private void loop(BlockingQueue<Assignment> inbox, OutcomeSink sink) {
    while (true) {
      Assignment a;
      try {
        a = inbox.take();
      } catch (InterruptedException e) {
        return; // close(): the pool is being torn down
      }
      if (a.isPoison()) {
        return;
      }
      running.incrementAndGet();
      try {
        sink.accept(a, Pools.runHere(executor, a));
      } finally {
        running.decrementAndGet();
        Thread.interrupted();
      }
    }
  }

  @Override
  public boolean stop(Duration grace) throws InterruptedException {
    List<Thread> snapshot;
    synchronized (this) {
      if (inbox == null) {
        return true;
      }
      snapshot = List.copyOf(members);
    }
    for (int i = 0; i < snapshot.size(); i++) {
      inbox.put(Assignment.POISON);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread t : snapshot) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    return snapshot.stream().noneMatch(Thread::isAlive);
  }

  @Override
  public void close() {
    List<Thread> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(members);
    }
    for (Thread t : snapshot) {
      t.interrupt();
    }
  }
}
