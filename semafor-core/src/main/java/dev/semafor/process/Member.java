package dev.semafor.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.semafor.JobError;
import dev.semafor.SemaforException;
import dev.semafor.process.ChildProcess.KillReason;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot of a {@link ProcessPool}: a platform thread that owns one child JVM at a time. It takes
 * an {@link Assignment} from the inbox, sends its Run frame, reads frames until the Done frame
 * (forwarding progress), and reports the outcome; a child that died or has run its quota of jobs is
 * replaced before the next job. {@link Assignment#POISON} stops the child with a Stop frame and
 * ends the slot.
 *
 * <h2>Pipelining</h2>
 *
 * Jobs that take well under a millisecond would spend most of their time in pipe wake-ups. So when
 * this slot's recent jobs are short and every other slot is busy, the member sends more jobs before
 * the first is done (up to {@link #MAX_IN_FLIGHT}, and about {@link
 * ProcessPoolBuilder#pipelineBudget} worth of work by the slot's recent mean), and the child runs
 * them in order. The {@link Flight} tracks them; only the oldest is running. Long jobs are never
 * pipelined, so none waits behind another while a slot is free.
 *
 * <h2>The next job before the report</h2>
 *
 * When a job's Done frame comes in and a job waits in the inbox, the member sends that one to the
 * child before it reports the outcome ({@link #sendNextFirst}). A report wakes the worker's
 * completer (and may wake its fetcher), which write to the broker: on a machine whose cores the
 * children keep busy, those threads take the core the member runs on, and the child would sit idle
 * until the member got it back. Sent first, the next job runs while they write. Only a job that can
 * go at once goes first: if the child is gone, due for recycling, or the pool is stopping, the
 * report comes first as before, and a job whose send fails is sent, after the report, the way any
 * job for a dead child is (to its replacement).
 *
 * <h2>Who kills a child</h2>
 *
 * The pool's watchdog kills a child when its running job's time limit passes or a cancel's grace
 * runs out; the member, blocked reading, then sees the stream end and reports a timeout or a
 * cancellation from the recorded {@link KillReason}. A child that dies with no reason recorded died
 * by itself or was killed from outside: its running job fails, retryable, with a {@link
 * WorkerProcessDiedException} that says how. Jobs queued behind it had not started: they go to the
 * replacement child.
 */
final class Member implements Runnable {
  static final int MAX_IN_FLIGHT = 16;

  /** Jobs a slot must have finished before it judges jobs short enough to pipeline. */
  static final int MIN_SAMPLES = 8;

  private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private final ProcessPool pool;
  private final int slot;
  private final Flight flight;

  /**
   * What a cancellation of one of this slot's jobs does ({@link Flight#cancel}): made once, here,
   * so the first job does not link the method reference (a class spun while it waits).
   */
  private final Consumer<Assignment> cancelInFlight;

  final CountDownLatch exited = new CountDownLatch(1);

  private final Object lock = new Object();

  /** True while the member thread waits for an assignment. */
  @GuardedBy("lock")
  private boolean idle;

  /** This slot's child; null while it is being replaced. Written by the member thread only. */
  private volatile ChildProcess child;

  private volatile Thread thread;

  /**
   * Mean run time of recent jobs in ns: it rises fast (halfway to a longer sample) and falls slowly
   * (a tenth of the way to a shorter one), so one long job stops pipelining at once. Member thread
   * only.
   */
  private double meanRunNanos;

  /** Jobs finished on this slot, up to {@link #MIN_SAMPLES}. Member thread only. */
  private int samples;

  /** A poison pill was taken while jobs were in flight. Member thread only. */
  private boolean stopping;

  /**
   * A job taken to go before a report whose send failed (its child had just died); dispatched next,
   * to a replacement child. Member thread only.
   */
  private @Nullable Assignment unsent;

  Member(ProcessPool pool, int slot, ChildProcess first) {
    this.pool = pool;
    this.slot = slot;
    this.flight = new Flight(pool.flightWatchdog(), pool.codec(), pool.cancelGrace());
    this.cancelInFlight = flight::cancel;
    this.child = first;
    watch(first);
  }

  /** The pid of this slot's live child, or -1. */
  long pid() {
    ChildProcess c = child;
    return c != null && c.isAlive() ? c.pid() : -1;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    try {
      while (!pool.isClosed()) {
        try {
          if (flight.isEmpty()) {
            Assignment next = takeUnsent();
            if (next == null) {
              next = stopping ? Assignment.POISON : takeNext();
            }
            if (next.isPoison()) {
              stopChild();
              return;
            }
            dispatch(next);
          }
          fillPipeline();
          if (!flight.isEmpty()) {
            awaitOne();
          }
        } catch (InterruptedException e) {
          if (pool.isClosed()) {
            return;
          } // else woken while idle because the child died: takeNext refills the slot
        } catch (Throwable t) {
          log.error("process pool slot {} failed a pass; going on", slot, t);
          abandonFlight(t);
        }
      }
    } finally {
      ChildProcess c = child;
      if (c != null && c.isAlive()) {
        c.kill(KillReason.CLOSED);
      }
      List<Assignment> left = new ArrayList<>(flight.drain());
      pool.runningCount().addAndGet(-left.size());
      Assignment notSent = takeUnsent();
      if (notSent != null) {
        left.add(notSent);
      }
      failUnstarted(left, "the process pool closed before the job finished");
      exited.countDown();
    }
  }

  /**
   * Refills or recycles the child if needed, then takes the next assignment. While it waits, a
   * child that dies interrupts it (see {@link #watch}), so an idle slot is refilled at once.
   */
  private Assignment takeNext() throws InterruptedException {
    maintainChild();
    synchronized (lock) {
      idle = true;
    }
    pool.idleMembers().incrementAndGet();
    try {
      return pool.inbox().take();
    } finally {
      pool.idleMembers().decrementAndGet();
      synchronized (lock) {
        idle = false;
      }
      if (!pool.isClosed()) {
        Thread.interrupted(); // a death notice that came as the take returned; handled later
      }
    }
  }

  /** Takes more jobs while they are short, the pipeline has room, and no other slot is idle. */
  private void fillPipeline() throws InterruptedException {
    while (!stopping
        && flight.size() < window()
        && pool.idleMembers().get() == 0
        && underQuota(child)) {
      Assignment next = pollJob();
      if (next == null) {
        return;
      }
      dispatch(next);
    }
  }

  /**
   * The job at the head of the inbox, without waiting; null if there is none, or if it is a poison
   * pill, which stops this slot once its flight is empty.
   */
  private @Nullable Assignment pollJob() {
    Assignment next = pool.inbox().poll();
    if (next != null && next.isPoison()) {
      stopping = true;
      return null;
    }
    return next;
  }

  private int window() {
    if (samples < MIN_SAMPLES) {
      return 1;
    }
    double byTime = pool.pipelineBudget().toNanos() / (meanRunNanos + 1);
    return (int) Math.max(1, Math.min(MAX_IN_FLIGHT, byTime));
  }

  private @Nullable Assignment takeUnsent() {
    Assignment a = unsent;
    unsent = null;
    return a;
  }

  /**
   * Right after a Done frame, with nothing else in flight: sends the job waiting at the head of the
   * inbox, if there is one and the child can take it now, before the outcome is reported (see the
   * class comment). Does nothing if the child is gone or killed, has run its quota (the usual path
   * replaces it after the report), or the pool is stopping; a poison pill taken here stops the slot
   * once the flight is empty, as one taken while pipelining does.
   */
  private void sendNextFirst() {
    ChildProcess c = child;
    if (stopping
        || !flight.isEmpty()
        || c == null
        || !c.isAlive()
        || c.killReason() != null
        || !underQuota(c)) {
      return;
    }
    Assignment next = pollJob();
    if (next == null) {
      return;
    }
    byte[] frame = runFrameOf(next);
    if (frame == null) {
      return; // reported already
    }
    try {
      c.send(frame);
    } catch (IOException e) {
      unsent = next; // the child died just now: after the report, to its replacement
      return;
    }
    sent(next, c);
  }

  private boolean underQuota(ChildProcess c) {
    return c != null && (pool.maxJobsPerChild() == 0 || c.jobs() < pool.maxJobsPerChild());
  }

  private void observe(long ranNanos) {
    if (samples == 0) {
      meanRunNanos = ranNanos;
    } else {
      meanRunNanos += (ranNanos - meanRunNanos) * (ranNanos > meanRunNanos ? 0.5 : 0.1);
    }
    samples = Math.min(samples + 1, MIN_SAMPLES);
  }

  /** Sends one job to the child (a fresh one if the flight is empty and the child is gone). */
  private void dispatch(Assignment assignment) throws InterruptedException {
    byte[] frame = runFrameOf(assignment);
    if (frame == null) {
      return;
    }
    ChildProcess c = flight.isEmpty() ? readyChild() : child;
    try {
      c.send(frame);
    } catch (IOException e) {
      if (flight.isEmpty()) { // it died while idle: the job has not started, so try a new one
        log.info("{} was gone before it got a job; replacing it", c);
        discard(c);
        c = readyChild();
        trySend(c, frame);
      } // else it died with jobs in flight: awaitOne sees the end and sends this one on
    }
    sent(assignment, c);
  }

  /**
   * The encoded Run frame of {@code assignment}, or null if it is not to be sent: cancelled before
   * it started, or too large for a frame (either is reported here).
   */
  private byte @Nullable [] runFrameOf(Assignment assignment) {
    if (assignment.isCancelled()) {
      report(assignment, new Outcome.Cancelled("cancelled before it started"));
      return null;
    }
    try {
      return pool.codec().encode(runFrame(assignment.lease().job()));
    } catch (ProtocolException e) {
      report(
          assignment,
          failed(
              ProtocolException.class,
              "cannot send the job to a worker process: " + e.getMessage(),
              false));
      return null;
    }
  }

  /** {@code assignment} went to {@code c}: counted, and in the flight. */
  private void sent(Assignment assignment, ChildProcess c) {
    c.countJob();
    pool.runningCount().incrementAndGet();
    flight.add(assignment, c);
    assignment.onCancel(cancelInFlight);
  }

  private static void trySend(ChildProcess c, byte[] frame) {
    try {
      c.send(frame);
    } catch (IOException e) {
      // dead again at once: awaitOne reports it
    }
  }

  private static Frame.Run runFrame(JobRecord job) {
    return new Frame.Run(
        job.id(),
        job.task(),
        job.queue(),
        job.attempts(),
        job.maxAttempts(),
        job.input() == null ? "null" : job.input());
  }

  /** Reads the child's frames until the running job is done or the child is gone. */
  private void awaitOne() throws InterruptedException {
    ChildProcess c = child;
    Assignment head = flight.head();
    while (true) {
      Frame frame;
      try {
        frame = c.read();
      } catch (ProtocolException e) {
        c.kill(KillReason.PROTOCOL_ERROR);
        c.awaitExit(EXIT_WAIT);
        String message = c + " sent a malformed frame and was killed: " + e.getMessage();
        endFlight(c, failed(ProtocolException.class, message + c.lastOutput(), true));
        return;
      } catch (IOException e) {
        frame = null;
      }
      // A chain of instanceof, not a pattern switch: a switch on types is linked on its first run
      // (a class spun and loaded), which would be on the clock of the pool's first job.
      if (frame == null) {
        endFlight(c, Outcomes.ofEnd(head, c, c.awaitExit(EXIT_WAIT), pool.cancelGrace()));
        return;
      } else if (frame instanceof Frame.Done d && d.jobId().equals(head.jobId())) {
        long ran = flight.finishHead();
        pool.runningCount().decrementAndGet();
        observe(ran);
        try {
          sendNextFirst();
        } finally {
          report(head, d.outcome());
        }
        return;
      } else if (frame instanceof Frame.Progress p && p.jobId().equals(head.jobId())) {
        progress(head, p);
      } else if (frame instanceof Frame.Log l && l.jobId().equals(head.jobId())) {
        head.log(l.line());
      } else if (frame instanceof Frame.Rejected r) {
        c.kill(KillReason.PROTOCOL_ERROR);
        c.awaitExit(EXIT_WAIT);
        endFlight(
            c, failed(ProtocolException.class, c + " rejected a frame: " + r.message(), false));
        return;
      } else {
        c.kill(KillReason.PROTOCOL_ERROR);
        c.awaitExit(EXIT_WAIT);
        String message = c + " sent an unexpected " + FrameCodec.kind(frame) + " frame";
        endFlight(c, failed(ProtocolException.class, message + " and was killed", true));
        return;
      }
    }
  }

  /**
   * The child is gone: reports {@code headOutcome} for the running job and sends the jobs queued
   * behind it, which had not started, to a replacement.
   */
  private void endFlight(ChildProcess c, Outcome headOutcome) throws InterruptedException {
    List<Assignment> all = flight.drain();
    pool.runningCount().addAndGet(-all.size());
    report(all.get(0), headOutcome);
    discard(c);
    List<Assignment> unstarted = all.subList(1, all.size());
    pool.resentCount().addAndGet(unstarted.size());
    for (int i = 0; i < unstarted.size(); i++) {
      try {
        dispatch(unstarted.get(i));
      } catch (InterruptedException | RuntimeException e) {
        failUnstarted(unstarted.subList(i, unstarted.size()), "its worker process died: " + e);
        throw e;
      }
    }
  }

  /** After an unexpected error: the child's state is unknown, so fail what it held and kill it. */
  private void abandonFlight(Throwable t) {
    List<Assignment> all = flight.drain();
    pool.runningCount().addAndGet(-all.size());
    for (Assignment a : all) {
      report(a, new Outcome.Failed(JobError.of(t), true));
    }
    ChildProcess c = child;
    if (c != null && !all.isEmpty()) {
      discard(c);
    }
  }

  private void failUnstarted(List<Assignment> assignments, String why) {
    for (Assignment a : assignments) {
      report(a, failed(WorkerProcessDiedException.class, why, true));
    }
  }

  static Outcome failed(Class<? extends SemaforException> type, String message, boolean retryable) {
    return new Outcome.Failed(JobError.of(type.getName(), message), retryable);
  }

  private static void progress(Assignment assignment, Frame.Progress p) {
    try {
      assignment.progress(p.fraction(), p.message());
    } catch (RuntimeException e) {
      log.warn("progress of job {} was not recorded", assignment.jobId(), e);
    }
  }

  private void report(Assignment assignment, Outcome outcome) {
    try {
      pool.sink().accept(assignment, outcome);
    } catch (Throwable t) {
      log.error("the outcome of job {} could not be reported: {}", assignment.jobId(), outcome, t);
    }
  }

  /** Arranges for this slot's thread to be woken if {@code c} dies while the slot is idle. */
  private void watch(ChildProcess c) {
    c.onExit(
        () -> {
          synchronized (lock) {
            if (idle && child == c && thread != null) {
              thread.interrupt();
            }
          }
        });
  }

  /** Replaces the child if it died, or retires it once it has run its quota of jobs. */
  private void maintainChild() throws InterruptedException {
    ChildProcess c = child;
    if (pool.isClosed()) {
      return;
    }
    if (c != null && c.isAlive() && c.killReason() == null && !underQuota(c)) {
      log.debug("recycling {} after {} jobs", c, c.jobs());
      retire(c);
    }
    readyChild();
  }

  /** This slot's child, started (see {@link ProcessPool#startChildPatiently}) if there is none. */
  private ChildProcess readyChild() throws InterruptedException {
    ChildProcess c = child;
    if (c != null && c.isAlive() && c.killReason() == null) {
      return c;
    }
    if (c != null) {
      log.info("replacing {} ({})", c, c.isAlive() ? c.killReason() : "exited");
      discard(c);
    }
    c = pool.startChildPatiently(slot);
    child = c;
    watch(c);
    return c;
  }

  /**
   * Stops the child, which has no job in flight: a Stop frame, then the end of its stdin, then a
   * wait for it to exit, killing it if it does not in time. Closing stdin matters: a JVM's exit
   * waits up to 300 ms for threads blocked in native code to come out, and the child's reader
   * thread stays blocked reading stdin until it ends.
   */
  private void retire(ChildProcess c) {
    try {
      c.send(pool.codec().encode(new Frame.Stop()));
    } catch (IOException e) {
      // already gone
    }
    c.closeInput();
    c.awaitExit(pool.stopTimeout());
    discard(c);
  }

  private void stopChild() {
    ChildProcess c = child;
    if (c != null) {
      retire(c);
    }
  }

  private void discard(ChildProcess c) {
    if (c.isAlive()) {
      c.kill(KillReason.CLOSED);
      c.awaitExit(EXIT_WAIT);
    }
    pool.forget(c);
    if (child == c) {
      child = null;
    }
  }
}
