package dev.semafor.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.semafor.ExecutionModel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code VIRTUAL} pool: one new virtual thread per job, at most {@code concurrency} at once. A
 * single dispatcher thread takes assignments from the local queue, acquires a permit from the
 * semaphore (the traffic light), and starts a virtual thread that runs the job and releases the
 * permit. The dispatcher stops on the poison pill; {@link #stop} then waits until every permit is
 * back, which means no job is running.
 *
 * <p>A job the worker recorded as timed out while its thread runs on ({@link #abandon}) gives its
 * permit back at once, so the pool keeps its concurrency; its thread ends whenever its task does.
 */
final class VirtualPool implements ExecutionPool {
  private final int concurrency;
  private final JobExecutor executor;
  private final String namePrefix;
  private final Semaphore permits;

  /** The jobs running, each with its thread; whoever removes an entry releases its permit. */
  private final Map<Assignment, Thread> live = new ConcurrentHashMap<>();

  @GuardedBy("this")
  private Thread dispatcher;

  @GuardedBy("this")
  private BlockingQueue<Assignment> inbox;

  VirtualPool(int concurrency, JobExecutor executor, String namePrefix) {
    this.concurrency = concurrency;
    this.executor = executor;
    this.namePrefix = namePrefix;
    this.permits = new Semaphore(concurrency);
  }

  @Override
  public ExecutionModel model() {
    return ExecutionModel.VIRTUAL;
  }

  @Override
  public int concurrency() {
    return concurrency;
  }

  @Override
  public int running() {
    return live.size();
  }

  @Override
  public synchronized void start(BlockingQueue<Assignment> inbox, OutcomeSink sink) {
    if (dispatcher != null) {
      throw new IllegalStateException("pool already started");
    }
    this.inbox = inbox;
    Thread.Builder jobThreads = Thread.ofVirtual().name(namePrefix + "-virtual-", 0);
    dispatcher =
        Thread.ofPlatform()
            .name(namePrefix + "-virtual-dispatcher")
            .daemon(true)
            .start(() -> dispatch(inbox, sink, jobThreads));
  }

  private void dispatch(BlockingQueue<Assignment> inbox, OutcomeSink sink, Thread.Builder threads) {
    try {
      while (true) {
        // A permit first, then a job: the dispatcher never holds a job it cannot start, so
        // at shutdown every job not yet started is still in the local queue to hand back.
        permits.acquire();
        Assignment a;
        try {
          a = inbox.take();
        } catch (InterruptedException e) {
          permits.release();
          throw e;
        }
        if (a.isPoison()) {
          permits.release();
          return;
        }
        Thread t =
            threads.unstarted(
                () -> {
                  try {
                    sink.accept(a, Pools.runHere(executor, a));
                  } finally {
                    if (live.remove(a) != null) {
                      permits.release();
                    }
                  }
                });
        live.put(a, t);
        t.start();
      }
    } catch (InterruptedException e) {
      // close(): torn down
    }
  }

  @Override
  public void abandon(Assignment assignment) {
    if (live.remove(assignment) != null) {
      permits.release();
    }
  }

  @Override
  public boolean stop(Duration grace) throws InterruptedException {
    Thread d;
    BlockingQueue<Assignment> queue;
    synchronized (this) {
      d = dispatcher;
      queue = inbox;
    }
    if (d == null) {
      return true;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    // The dispatcher takes the pill only after it has started every job queued before it.
    queue.put(Assignment.POISON);
    d.join(Math.max(1, grace.toMillis()));
    long left = Math.max(0, deadline - System.nanoTime());
    if (!permits.tryAcquire(concurrency, left, TimeUnit.NANOSECONDS)) {
      return false;
    }
    permits.release(concurrency);
    return !d.isAlive();
  }

  @Override
  public void close() {
    Thread d;
    synchronized (this) {
      d = dispatcher;
    }
    if (d != null) {
      d.interrupt();
    }
    for (Thread t : live.values()) {
      t.interrupt();
    }
  }
}
