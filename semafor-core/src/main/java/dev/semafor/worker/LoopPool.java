package dev.semafor.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.semafor.ExecutionModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code SEQUENTIAL} and {@code THREADS} pools: a fixed set of platform threads, each a loop
 * that takes an {@link Assignment} from the local queue, runs it, reports it, and stands by for the
 * next — until it takes the poison pill. {@code SEQUENTIAL} is the one-member case.
 *
 * <h2>Members never die silently</h2>
 *
 * <ul>
 *   <li>An interrupt is aimed at one job (its cancellation or timeout), never at the member: the
 *       assignment interrupts only while it is the member's job ({@link Assignment#runner}), and a
 *       member that is interrupted while it waits for work anyway waits on, unless the pool is
 *       closing.
 *   <li>A member whose loop ends by an exception (a throwing callback, an {@link Error}) is
 *       replaced at once, as {@code ThreadPoolExecutor.processWorkerExit} does, and the exception
 *       is logged.
 *   <li>A member running a job the worker recorded as timed out ({@link #abandon}) is given up and
 *       replaced; it exits once its task returns.
 * </ul>
 */
final class LoopPool implements ExecutionPool {
  private static final Logger log = LoggerFactory.getLogger(LoopPool.class);

  private final ExecutionModel model;
  private final int size;
  private final JobExecutor executor;
  private final String namePrefix;

  /**
   * Each member's count of jobs it runs now (0 or 1), one slot each, summed by {@link #running}: a
   * member writes only its own, so that the members do not share a counter they all write on every
   * job.
   */
  private final Set<AtomicInteger> busy = ConcurrentHashMap.newKeySet();

  /** The current members. */
  @GuardedBy("this")
  private final List<Thread> members = new ArrayList<>();

  /** Members given up on (their job timed out); each exits once its task returns. */
  @GuardedBy("this")
  private final Set<Thread> abandoned = new HashSet<>();

  /**
   * True once a member was ever given up on: only then does a member look itself up after a job.
   */
  private volatile boolean anyAbandoned;

  @GuardedBy("this")
  private int started;

  /** Set by {@link #stop}: members are no longer replaced. */
  @GuardedBy("this")
  private boolean stopping;

  /** Set by {@link #close}: an interrupt ends a member. */
  private volatile boolean closing;

  private BlockingQueue<Assignment> inbox;
  private OutcomeSink sink;

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
    int n = 0;
    for (AtomicInteger b : busy) {
      n += b.get();
    }
    return n;
  }

  /** The members now (replacements included, abandoned ones not); for tests and diagnostics. */
  synchronized List<Thread> members() {
    return List.copyOf(members);
  }

  @Override
  public synchronized void start(BlockingQueue<Assignment> inbox, OutcomeSink sink) {
    if (this.inbox != null) {
      throw new IllegalStateException("pool already started");
    }
    this.inbox = inbox;
    this.sink = sink;
    for (int i = 0; i < size; i++) {
      startMember();
    }
  }

  /** Starts one member. */
  @GuardedBy("this")
  private void startMember() {
    Thread t =
        Thread.ofPlatform()
            .name(namePrefix + "-" + model.label() + "-" + started++)
            .daemon(true)
            .unstarted(this::loop);
    members.add(t);
    t.start();
  }

  private void loop() {
    boolean clean = false;
    AtomicInteger running = new AtomicInteger();
    busy.add(running);
    try {
      clean = serve(running);
    } finally {
      busy.remove(running);
      exited(Thread.currentThread(), clean);
    }
  }

  /** Runs jobs until the poison pill (true) or until given up (true); throws if it dies. */
  private boolean serve(AtomicInteger running) {
    Thread self = Thread.currentThread();
    while (!closing) {
      Assignment a;
      try {
        a = inbox.take();
      } catch (InterruptedException e) {
        if (closing) {
          return true;
        }
        continue; // a stray interrupt is not aimed at the member
      }
      if (a.isPoison()) {
        return true;
      }
      running.setRelease(1); // this member's own slot: no fence, no shared line
      Outcome outcome;
      try {
        outcome = Pools.runHere(executor, a);
      } finally {
        running.setRelease(0);
      }
      try {
        sink.accept(a, outcome);
      } catch (RuntimeException e) {
        log.warn("reporting the outcome of job {} failed: {}", a.jobId(), e.toString());
      }
      if (anyAbandoned) {
        synchronized (this) {
          if (abandoned.remove(self)) {
            return true;
          }
        }
      }
    }
    return true;
  }

  /** A member's loop ended: forget it, and replace it if it died while the pool runs. */
  private synchronized void exited(Thread member, boolean clean) {
    boolean wasMember = members.remove(member);
    abandoned.remove(member);
    if (!clean && wasMember && !stopping && !closing) {
      log.warn("pool member {} died; starting another in its place", member.getName());
      startMember();
    }
  }

  @Override
  public synchronized void abandon(Assignment assignment) {
    Thread t = assignment.runner();
    if (t == null || !members.contains(t)) {
      return; // its task returned meanwhile: the member carries on
    }
    members.remove(t);
    abandoned.add(t);
    anyAbandoned = true;
    if (!stopping && !closing) {
      log.warn(
          "job {} is over its time limit and ignores interrupts; thread {} is given up and a new"
              + " member takes its place",
          assignment.jobId(),
          t.getName());
      startMember();
    }
  }

  @Override
  public boolean stop(Duration grace) throws InterruptedException {
    List<Thread> snapshot;
    synchronized (this) {
      if (inbox == null) {
        return true;
      }
      stopping = true;
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
    closing = true;
    List<Thread> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(members);
      snapshot.addAll(abandoned);
    }
    for (Thread t : snapshot) {
      t.interrupt();
    }
  }
}
