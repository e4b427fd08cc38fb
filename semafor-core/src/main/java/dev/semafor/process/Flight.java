package dev.semafor.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.semafor.process.ChildProcess.KillReason;
import dev.semafor.worker.Assignment;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs one member has sent to its child and not yet seen finish, oldest first. A child runs its
 * jobs one at a time in the order they came, so the oldest (the <em>head</em>) is the one running;
 * the rest wait in the child's queue and have not started.
 *
 * <p>Only the head is on the clock: its time limit starts when it becomes the head, and a kill for
 * a timeout or an expired cancel grace is aimed at it alone — {@link #killIfHead} checks, under
 * this object's lock, that the job is still the head on the same child before it kills.
 *
 * <p>Thread-safe: the member thread adds and removes jobs; the pool's watchdog kills; any thread
 * may cancel.
 *
 * <p>It sees its child and its watchdog through two narrow seams ({@link Child}, {@link Watchdog}),
 * so that it can be tested without a child JVM or a clock.
 */
final class Flight {
  private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

  /** Runs each cancel frame's send on a virtual thread of its own. */
  private static final Executor CANCEL_SENDER =
      task -> Thread.ofVirtual().name("semafor-cancel").start(task);

  /** What a flight does to its child: send it a frame, kill it. {@link ChildProcess} is one. */
  interface Child {
    /** Writes one encoded frame; may block while the child does not read. */
    void send(byte[] encodedFrame) throws IOException;

    void kill(KillReason reason);
  }

  /** Runs a kill after a delay; the pool's watchdog thread. */
  @FunctionalInterface
  interface Watchdog {
    Future<?> schedule(Runnable kill, Duration delay);

    static Watchdog of(ScheduledExecutorService executor) {
      return (kill, delay) -> executor.schedule(kill, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private final Watchdog watchdog;
  private final FrameCodec codec;
  private final Duration cancelGrace;

  @GuardedBy("this")
  private final ArrayDeque<Assignment> jobs = new ArrayDeque<>();

  /** The child the jobs were sent to. */
  @GuardedBy("this")
  private Child child;

  @GuardedBy("this")
  private Future<?> timeoutKill;

  @GuardedBy("this")
  private Future<?> graceKill;

  /** When the head became the head ({@link System#nanoTime()}). */
  @GuardedBy("this")
  private long headSince;

  /**
   * The send of the last cancel frame; the next one is chained after it, so that cancels reach the
   * child in the order they were made (a job cancelled while queued, then the head: the child must
   * learn of the first before the head ends and the queued job would start).
   */
  @GuardedBy("this")
  private CompletableFuture<?> lastCancelSent = CompletableFuture.completedFuture(null);

  Flight(ScheduledExecutorService watchdog, FrameCodec codec, Duration cancelGrace) {
    this(Watchdog.of(watchdog), codec, cancelGrace);
  }

  Flight(Watchdog watchdog, FrameCodec codec, Duration cancelGrace) {
    this.watchdog = watchdog;
    this.codec = codec;
    this.cancelGrace = cancelGrace;
  }

  synchronized void add(Assignment assignment, Child to) {
    jobs.addLast(assignment);
    child = to;
    if (jobs.size() == 1) {
      startHead();
    }
  }

  synchronized boolean isEmpty() {
    return jobs.isEmpty();
  }

  synchronized int size() {
    return jobs.size();
  }

  synchronized Assignment head() {
    return jobs.peekFirst();
  }

  /** Removes the finished head and puts the next on the clock; returns how long the head ran. */
  synchronized long finishHead() {
    stopClock();
    jobs.removeFirst();
    long ran = System.nanoTime() - headSince;
    if (!jobs.isEmpty()) {
      startHead();
    }
    return ran;
  }

  /** Removes every job, head first (after the child died). */
  synchronized List<Assignment> drain() {
    stopClock();
    List<Assignment> all = new ArrayList<>(jobs);
    jobs.clear();
    return all;
  }

  /**
   * The cancel action of a job in flight: a Cancel frame to its child and, if it is running, a kill
   * once the grace has passed. A job no longer in flight is left alone.
   *
   * <p>Returns at once, whatever state the child is in: the caller may be the heartbeat thread, and
   * a frozen child that reads nothing would block a write to its stdin. The frame is written on a
   * virtual thread, outside this object's lock, after the frames of the cancels before it; the
   * grace kill is armed here, so it comes on time even if that write never completes.
   */
  void cancel(Assignment assignment) {
    byte[] frame = codec.encode(new Frame.Cancel(assignment.jobId()));
    synchronized (this) {
      if (!jobs.contains(assignment)) {
        return;
      }
      Child to = child;
      if (jobs.peekFirst() == assignment) {
        scheduleGraceKill(assignment);
      }
      lastCancelSent =
          lastCancelSent.handleAsync(
              (previous, failure) -> {
                try {
                  to.send(frame);
                } catch (IOException | RuntimeException e) {
                  // the child is dying; its member sees its stream end
                }
                return null;
              },
              CANCEL_SENDER);
    }
  }

  @GuardedBy("this")
  private void startHead() {
    Assignment head = jobs.peekFirst();
    headSince = System.nanoTime();
    Duration limit = head.timeLimit();
    Child c = child;
    if (limit != null) {
      timeoutKill = watchdog.schedule(() -> killIfHead(head, c, KillReason.TIMEOUT), limit);
    }
    if (head.isCancelled()) { // cancelled while it waited in the child's queue
      scheduleGraceKill(head);
    }
  }

  @GuardedBy("this")
  private void scheduleGraceKill(Assignment head) {
    if (graceKill == null) {
      Child c = child;
      graceKill =
          watchdog.schedule(() -> killIfHead(head, c, KillReason.CANCEL_GRACE), cancelGrace);
    }
  }

  @GuardedBy("this")
  private void stopClock() {
    if (timeoutKill != null) {
      timeoutKill.cancel(false);
      timeoutKill = null;
    }
    if (graceKill != null) {
      graceKill.cancel(false);
      graceKill = null;
    }
  }

  @SuppressWarnings("ReferenceEquality") // by identity: this very job, on this very child
  private synchronized void killIfHead(Assignment assignment, Child c, KillReason reason) {
    if (jobs.peekFirst() == assignment && child == c) {
      log.info("killing {} running job {}: {}", c, assignment.jobId(), reason);
      c.kill(reason);
    }
  }
}
