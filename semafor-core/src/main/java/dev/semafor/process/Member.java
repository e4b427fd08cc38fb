package dev.semafor.process;

import dev.semafor.JobError;
import dev.semafor.JobTimeoutException;
import dev.semafor.SemaforException;
import dev.semafor.broker.JobRecord;
import dev.semafor.process.ChildProcess.KillReason;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot of a {@link ProcessPool}: a platform thread that owns one child JVM at a time. It takes
 * an {@link Assignment} from the inbox, sends its Run frame, reads frames until the Done frame
 * (forwarding progress), and reports the outcome; then it replaces the child if it died or has run
 * its quota of jobs. {@link Assignment#POISON} stops the child with a Stop frame and ends the slot.
 *
 * <h2>Who kills a child</h2>
 *
 * The pool's watchdog thread kills a child when the job's time limit passes or a cancel's grace
 * runs out; the member thread, blocked reading, then sees the stream end and reports a timeout or a
 * cancellation from the recorded {@link KillReason}. A child that dies with no reason recorded died
 * by itself or was killed from outside: its job fails, retryable, with a {@link
 * WorkerProcessDiedException} that says how. Kills are only ever aimed at the job they were set
 * for: {@link #killIfCurrent} checks it under {@link #lock}.
 */
final class Member implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
  private static final Duration MAX_RESPAWN_BACKOFF = Duration.ofSeconds(30);

  private final ProcessPool pool;
  private final int slot;
  final CountDownLatch exited = new CountDownLatch(1);

  private final Object lock = new Object();

  /** The job running now, or null. Guarded by {@link #lock}. */
  private Assignment current;

  /** The child running {@link #current}. Guarded by {@link #lock}. */
  private ChildProcess currentChild;

  /** Guarded by {@link #lock}. */
  private ScheduledFuture<?> timeoutKill;

  /** Guarded by {@link #lock}. */
  private ScheduledFuture<?> graceKill;

  /** True while the member thread waits for an assignment. Guarded by {@link #lock}. */
  private boolean idle;

  /** This slot's child; null while it is being replaced. Written by the member thread only. */
  private volatile ChildProcess child;

  private volatile Thread thread;

  Member(ProcessPool pool, int slot, ChildProcess first) {
    this.pool = pool;
    this.slot = slot;
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
          Assignment assignment = takeNext();
          if (assignment.isPoison()) {
            stopChild();
            return;
          }
          runOne(assignment);
        } catch (InterruptedException e) {
          if (pool.isClosed()) {
            return;
          } // else woken while idle because the child died: takeNext refills the slot
        } catch (Throwable t) {
          log.error("process pool slot {} failed a pass; going on", slot, t);
        }
      }
    } finally {
      ChildProcess c = child;
      if (c != null && c.isAlive()) {
        c.kill(KillReason.CLOSED);
      }
      exited.countDown();
    }
  }

  /**
   * Takes the next assignment. While it waits, a child that dies interrupts it (see {@link
   * #watch}), so an idle slot is refilled at once.
   */
  private Assignment takeNext() throws InterruptedException {
    ChildProcess c = child;
    if (c == null || !c.isAlive()) {
      replaceIfDead();
    }
    synchronized (lock) {
      idle = true;
    }
    try {
      return pool.inbox().take();
    } finally {
      synchronized (lock) {
        idle = false;
      }
      if (!pool.isClosed()) {
        Thread.interrupted(); // a death notice that came as the take returned; handled later
      }
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

  /** Runs one job and always reports an outcome for it. */
  private void runOne(Assignment assignment) throws InterruptedException {
    pool.runningCount().incrementAndGet();
    Outcome outcome;
    try {
      outcome = attempt(assignment);
    } catch (InterruptedException e) {
      outcome =
          failed(WorkerProcessDiedException.class, "the process pool closed before the job ran");
      report(assignment, outcome);
      throw e;
    } catch (Throwable t) {
      outcome = new Outcome.Failed(JobError.of(t), true);
    } finally {
      pool.runningCount().decrementAndGet();
    }
    report(assignment, outcome);
    afterJob();
  }

  private Outcome attempt(Assignment assignment) throws InterruptedException, IOException {
    if (assignment.isCancelled()) {
      return new Outcome.Cancelled("cancelled before it started");
    }
    JobRecord job = assignment.lease().job();
    byte[] frame;
    try {
      frame =
          pool.codec()
              .encode(
                  new Frame.Run(
                      job.id(),
                      job.task(),
                      job.queue(),
                      job.attempts(),
                      job.maxAttempts(),
                      job.input() == null ? "null" : job.input()));
    } catch (ProtocolException e) {
      return failed(
          ProtocolException.class,
          "cannot send the job to a worker process: " + e.getMessage(),
          false);
    }
    ChildProcess c = send(frame);
    c.countJob();
    Duration timeout = job.timeout();
    synchronized (lock) {
      current = assignment;
      currentChild = c;
      if (timeout != null) {
        timeoutKill =
            pool.watchdog()
                .schedule(
                    () -> killIfCurrent(assignment, c, KillReason.TIMEOUT),
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
      }
    }
    assignment.onCancel(this::cancel);
    try {
      return awaitOutcome(assignment, c);
    } finally {
      synchronized (lock) {
        current = null;
        currentChild = null;
        cancelKill(timeoutKill);
        cancelKill(graceKill);
        timeoutKill = null;
        graceKill = null;
      }
    }
  }

  /** Sends a Run frame, to a fresh child if the current one died while idle. */
  private ChildProcess send(byte[] frame) throws InterruptedException, IOException {
    ChildProcess c = readyChild();
    try {
      c.send(frame);
      return c;
    } catch (IOException e) {
      log.info("{} was gone before it got a job; replacing it", c);
      discard(c);
      c = readyChild();
      c.send(frame);
      return c;
    }
  }

  private Outcome awaitOutcome(Assignment assignment, ChildProcess c) {
    while (true) {
      Frame frame;
      try {
        frame = c.read();
      } catch (ProtocolException e) {
        c.kill(KillReason.PROTOCOL_ERROR);
        c.awaitExit(EXIT_WAIT);
        return failed(
            ProtocolException.class,
            c + " sent a malformed frame and was killed: " + e.getMessage() + c.lastOutput(),
            true);
      } catch (IOException e) {
        frame = null;
      }
      switch (frame) {
        case null -> {
          return deathOutcome(assignment, c);
        }
        case Frame.Progress p when p.jobId().equals(assignment.jobId()) -> progress(assignment, p);
        case Frame.Done d when d.jobId().equals(assignment.jobId()) -> {
          return d.outcome();
        }
        case Frame.Rejected r -> {
          c.kill(KillReason.PROTOCOL_ERROR);
          c.awaitExit(EXIT_WAIT);
          return failed(
              ProtocolException.class, c + " rejected the job frame: " + r.message(), false);
        }
        default -> {
          c.kill(KillReason.PROTOCOL_ERROR);
          c.awaitExit(EXIT_WAIT);
          return failed(
              ProtocolException.class,
              c + " sent an unexpected " + FrameCodec.kind(frame) + " frame and was killed",
              true);
        }
      }
    }
  }

  /** The outcome of a job whose child's stdout ended: killed by the pool, or died. */
  private Outcome deathOutcome(Assignment assignment, ChildProcess c) {
    int code = c.awaitExit(EXIT_WAIT);
    KillReason reason = c.killReason();
    if (reason == KillReason.TIMEOUT) {
      Duration limit = assignment.lease().job().timeout();
      String message = new JobTimeoutException(assignment.jobId(), limit).getMessage();
      return failed(
          JobTimeoutException.class, message + "; " + c + " was killed and replaced", true);
    }
    if (reason == KillReason.CANCEL_GRACE) {
      return new Outcome.Cancelled(
          "cancelled; "
              + c
              + " did not stop within "
              + pool.cancelGrace().toMillis()
              + " ms and was killed");
    }
    if (reason == KillReason.CLOSED) {
      return failed(
          WorkerProcessDiedException.class,
          c + " was killed because the process pool closed",
          true);
    }
    return failed(
        WorkerProcessDiedException.class,
        c
            + " died while running job "
            + assignment.jobId()
            + ": "
            + ExitStatus.describe(code)
            + c.lastOutput(),
        true);
  }

  private static Outcome failed(Class<? extends SemaforException> type, String message) {
    return failed(type, message, true);
  }

  private static Outcome failed(
      Class<? extends SemaforException> type, String message, boolean retryable) {
    return new Outcome.Failed(JobError.of(type.getName(), message), retryable);
  }

  private static void progress(Assignment assignment, Frame.Progress p) {
    try {
      assignment.progress(p.fraction(), p.message());
    } catch (RuntimeException e) {
      log.warn("progress of job {} was not recorded", assignment.jobId(), e);
    }
  }

  /** The cancel action of a running job: a Cancel frame now, a kill after the grace. */
  private void cancel(Assignment assignment) {
    synchronized (lock) {
      if (current != assignment) {
        return;
      }
      ChildProcess c = currentChild;
      try {
        c.send(pool.codec().encode(new Frame.Cancel(assignment.jobId())));
      } catch (IOException e) {
        return; // the child is dying; the member thread sees its stream end
      }
      if (graceKill == null) {
        graceKill =
            pool.watchdog()
                .schedule(
                    () -> killIfCurrent(assignment, c, KillReason.CANCEL_GRACE),
                    pool.cancelGrace().toNanos(),
                    TimeUnit.NANOSECONDS);
      }
    }
  }

  private void killIfCurrent(Assignment assignment, ChildProcess c, KillReason reason) {
    synchronized (lock) {
      if (current == assignment && currentChild == c) {
        log.info("killing {} running job {}: {}", c, assignment.jobId(), reason);
        c.kill(reason);
      }
    }
  }

  private static void cancelKill(ScheduledFuture<?> kill) {
    if (kill != null) {
      kill.cancel(false);
    }
  }

  private void report(Assignment assignment, Outcome outcome) {
    try {
      pool.sink().accept(assignment, outcome);
    } catch (Throwable t) {
      log.error("the outcome of job {} could not be reported: {}", assignment.jobId(), outcome, t);
    }
  }

  /** Replaces the child if it died, or retires it once it has run its quota of jobs. */
  private void afterJob() throws InterruptedException {
    ChildProcess c = child;
    if (c == null || !c.isAlive() || c.killReason() != null) {
      replaceIfDead();
    } else if (pool.maxJobsPerChild() > 0 && c.jobs() >= pool.maxJobsPerChild()) {
      log.debug("recycling {} after {} jobs", c, c.jobs());
      retire(c);
      readyChild();
    }
  }

  private void replaceIfDead() throws InterruptedException {
    ChildProcess c = child;
    if (pool.isClosed()) {
      return;
    }
    if (c == null || !c.isAlive() || c.killReason() != null) {
      if (c != null) {
        log.info("replacing {} ({})", c, c.isAlive() ? c.killReason() : "exited");
        discard(c);
      }
      readyChild();
    }
  }

  /** This slot's child, started (with growing pauses between failures) if there is none. */
  private ChildProcess readyChild() throws InterruptedException {
    ChildProcess c = child;
    if (c != null && c.isAlive() && c.killReason() == null) {
      return c;
    }
    if (c != null) {
      discard(c);
    }
    Duration backoff = Duration.ofMillis(100);
    while (true) {
      if (pool.isClosed()) {
        throw new InterruptedException("the process pool is closed");
      }
      try {
        c = pool.startChild();
        child = c;
        watch(c);
        return c;
      } catch (IOException | SemaforException e) {
        log.warn(
            "process pool slot {} could not start a worker process; retrying in {} ms: {}",
            slot,
            backoff.toMillis(),
            e.getMessage());
        Thread.sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_RESPAWN_BACKOFF) > 0
                ? MAX_RESPAWN_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /** Stops the child with a Stop frame, killing it if it does not exit in time. */
  private void retire(ChildProcess c) {
    try {
      c.send(pool.codec().encode(new Frame.Stop()));
    } catch (IOException e) {
      // already gone
    }
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
