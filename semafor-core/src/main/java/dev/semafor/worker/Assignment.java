package dev.semafor.worker;

import dev.semafor.JobContext;
import dev.semafor.TaskDefinition;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One leased job on its way through a worker: taken from the local queue by a pool member, run, and
 * reported with an {@link Outcome}.
 *
 * <p>The task does not see this object, which can cancel or time out the attempt: it sees {@link
 * #context()}, a view that offers only what a task may do (read its job, check for cancellation,
 * report progress, log).
 *
 * <p>{@link #POISON} is the sentinel that tells a pool member to stop.
 */
public final class Assignment {
  /** The poison pill: a member that takes it exits its loop. */
  public static final Assignment POISON = new Assignment();

  private final Lease lease;

  /**
   * What it shares with the other jobs of its lease call: its progress sink, when it was leased.
   */
  private final Leased leased;

  private static final VarHandle CANCELLED;
  private static final VarHandle TIMED_OUT;
  private static final VarHandle FINISHED;
  private static final VarHandle HELD;
  private static final VarHandle VALID_UNTIL;
  private static final VarHandle EXTRAS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CANCELLED = lookup.findVarHandle(Assignment.class, "cancelled", boolean.class);
      TIMED_OUT = lookup.findVarHandle(Assignment.class, "timedOut", boolean.class);
      FINISHED = lookup.findVarHandle(Assignment.class, "finished", boolean.class);
      HELD = lookup.findVarHandle(Assignment.class, "held", boolean.class);
      EXTRAS = lookup.findVarHandle(Assignment.class, "extras", Extras.class);
      VALID_UNTIL = lookup.findVarHandle(Assignment.class, "leaseValidUntilMillis", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What the task sees; null for the poison pill. */
  private final JobContext context;

  // Flags set once, by compare-and-set through the handles above: a worker makes one assignment
  // per job, so two fields are cheaper than two AtomicBoolean objects.
  private volatile boolean cancelled;
  private volatile boolean timedOut;

  /** What few attempts set (a time limit and its timer, a cancel action); null until one does. */
  private volatile Extras extras;

  /**
   * When the lease expires as this worker knows it, in its clock's milliseconds: when it sent the
   * lease call or the last heartbeat the broker accepted, plus the lease duration (never later than
   * the broker's expiry, whatever the clocks' skew). Long.MAX_VALUE until the worker sets it.
   */
  private volatile long leaseValidUntilMillis;

  /** True once the worker has told the broker this attempt started (only its fetcher writes). */
  private volatile boolean startReported;

  private volatile long startedAtNanos;

  /** Set once, by the first of the member and the time-out timer to settle the attempt. */
  private volatile boolean finished;

  /**
   * The thread running the task, or null. Guarded by {@code this} for writes: interrupts are aimed
   * under the same lock, so none can land on a thread that has moved on to its next job.
   */
  private volatile Thread runner;

  /** True while the worker holds this lease ({@link HeldLeases}); set and cleared once each. */
  private volatile boolean held;

  // The fields below and the first values of those above are written by the thread that makes the
  // assignment, before it hands it to others (through the inbox's lock or the held set): release
  // stores or plain ones, not a fence per field on every job.

  /** The batch of held leases it was added with; null until then. */
  private HeldLeases.Batch heldIn;

  private int heldIndex;

  /**
   * Its task's definition, looked up once by the fetcher (null if the worker does not have the
   * task, or for an assignment made elsewhere: then it is looked up by name when needed).
   */
  private TaskDefinition<?, ?> definition;

  /** How long the attempt ran, in nanoseconds, once it has ended (for the prefetch's mean). */
  private long ranNanos;

  // The attempt as a node of the completer's stacks of outcomes handed in (Completer#accept), so
  // that a hand-off allocates nothing: its outcome, the node below it and the stack's depth with
  // it on top. Written by the one thread that hands the attempt in, before the compare-and-set
  // that publishes it; then only by the completer, under its lock.

  /** The outcome handed to the completer; null until then (an attempt is handed in once). */
  Outcome handedOutcome;

  Assignment handedBelow;
  int handedDepth;

  /**
   * Receives a task's progress reports and log lines (the worker throttles and writes them). One
   * that only takes progress ignores log lines.
   */
  @FunctionalInterface
  public interface ProgressSink {
    void report(Assignment assignment, double fraction, String message);

    /** A line the task wrote ({@link JobContext#log}). */
    default void log(Assignment assignment, String line) {}
  }

  /**
   * What the jobs of one lease call share, kept once for all of them rather than in each: the sink
   * of their progress and log lines, and when the worker leased them. Written before the batch's
   * assignments are handed to other threads (and {@link #atMillis} by {@link Assignment#leased}
   * only for an assignment made on its own).
   */
  static final class Leased {
    final ProgressSink progressSink;
    final long atNanos;
    volatile long atMillis;

    Leased(ProgressSink progressSink, long atNanos, long atMillis) {
      this.progressSink = Objects.requireNonNull(progressSink, "progressSink");
      this.atNanos = atNanos;
      this.atMillis = atMillis;
    }
  }

  /** The fields few attempts set, apart: one object less to carry on every job. */
  private static final class Extras {
    volatile WorkerTime.Cancellable timeoutTimer;
    volatile java.time.Duration timeLimit;
    volatile Consumer<Assignment> onCancel;
  }

  public Assignment(Lease lease, ProgressSink progressSink, long leasedAtNanos) {
    this(lease, new Leased(progressSink, leasedAtNanos, 0), Long.MAX_VALUE);
  }

  /**
   * An assignment of one of the jobs of a lease call, which share {@code leased}; its lease holds,
   * as the worker knows it, until {@code validUntilMillis} on its clock.
   */
  Assignment(Lease lease, Leased leased, long validUntilMillis) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.leased = Objects.requireNonNull(leased, "leased");
    this.context = new TaskContext();
    VALID_UNTIL.setRelease(this, validUntilMillis);
  }

  private Assignment() {
    this.lease = null;
    this.leased = null;
    this.context = null;
  }

  /** Its {@link Extras}, made by the first caller that needs them. */
  private Extras extras() {
    Extras e = extras;
    if (e == null) {
      Extras made = new Extras();
      e = (Extras) EXTRAS.compareAndExchange(this, null, made);
      if (e == null) {
        e = made;
      }
    }
    return e;
  }

  /** The context the task runs with: its job, its cancellation, its progress and log. */
  public JobContext context() {
    return context;
  }

  public boolean isPoison() {
    return this == POISON;
  }

  public Lease lease() {
    return lease;
  }

  /**
   * The reference to its lease (a new one each call, equal to the last: an assignment is made per
   * job, and most need it once, when their outcome is written); null for the poison pill.
   */
  public LeaseRef ref() {
    return lease == null ? null : lease.ref();
  }

  public long leasedAtNanos() {
    return leased == null ? 0 : leased.atNanos;
  }

  /**
   * Marks it held in {@code batch}, at {@code index}; false if it was held already. Only the
   * fetcher adds, once per lease, and before any other thread can see the assignment.
   */
  boolean hold(HeldLeases.Batch batch, int index) {
    if (held || heldIn != null) {
      return false;
    }
    heldIn = batch;
    heldIndex = index;
    HELD.setRelease(this, true);
    return true;
  }

  /** Clears the held mark; true for the one caller that cleared it. */
  boolean unhold() {
    return HELD.compareAndSet(this, true, false);
  }

  boolean isHeld() {
    return held;
  }

  HeldLeases.Batch heldIn() {
    return heldIn;
  }

  /** Its place in {@link #heldIn()}. */
  int heldIndex() {
    return heldIndex;
  }

  /** The task's definition as the fetcher found it; null if unknown or not looked up. */
  TaskDefinition<?, ?> definition() {
    return definition;
  }

  void definition(TaskDefinition<?, ?> definition) {
    this.definition = definition;
  }

  /** Records how long the attempt ran (set once, before it goes to the completer). */
  void ranNanos(long nanos) {
    this.ranNanos = nanos;
  }

  long ranNanos() {
    return ranNanos;
  }

  /**
   * Stamps when the worker leased it and until when, on its clock, the lease holds. For an
   * assignment made on its own ({@link #Assignment(Lease, ProgressSink, long)}): the jobs of a
   * lease call share when they were leased ({@link Leased}).
   */
  void leased(long atMillis, long validUntilMillis) {
    leased.atMillis = atMillis;
    VALID_UNTIL.setRelease(this, validUntilMillis);
  }

  /** When the worker leased it, in its clock's milliseconds (for how long it has waited). */
  long leasedAtMillis() {
    return leased.atMillis;
  }

  /** A heartbeat sent at {@code sentMillis} extended the lease by {@code leaseMillis}. */
  void extended(long sentMillis, long leaseMillis) {
    long until = sentMillis + leaseMillis;
    if (until > leaseValidUntilMillis) {
      leaseValidUntilMillis = until;
    }
  }

  /** True if, as this worker knows it, the lease has expired at {@code nowMillis}. */
  boolean leaseExpired(long nowMillis) {
    return nowMillis >= leaseValidUntilMillis;
  }

  boolean startReported() {
    return startReported;
  }

  void startReported(boolean reported) {
    this.startReported = reported;
  }

  /** Stamps the moment a pool member took this assignment from the local queue. */
  public void markStarted() {
    startedAtNanos = System.nanoTime();
  }

  /**
   * Marks that the attempt has ended and its outcome is on its way to the broker. Only the first
   * call returns true: an attempt recorded as timed out at its deadline ignores the outcome its
   * task returns later.
   */
  boolean markFinished() {
    return FINISHED.compareAndSet(this, false, true);
  }

  /** True once the attempt has ended (its outcome may not be written yet). */
  boolean isFinished() {
    return finished;
  }

  /** When a pool member took it ({@link System#nanoTime()}), or 0 if none has yet. */
  public long startedAtNanos() {
    return startedAtNanos;
  }

  /** The thread running the task in this JVM, if any; set by in-process pools. */
  public Thread runner() {
    return runner;
  }

  /**
   * Sets (or, with null, clears) the thread running the task. Once it is cleared, {@link #cancel}
   * and {@link #timeOut} interrupt nothing: the caller may clear a stale interrupt and move on.
   */
  public synchronized void runner(Thread thread) {
    this.runner = thread;
  }

  private synchronized void interruptRunner() {
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Registers what to do when the job is cancelled while running (a process pool kills its child
   * here). Runs at once if already cancelled.
   */
  public void onCancel(Consumer<Assignment> action) {
    extras().onCancel = action;
    if (cancelled) {
      action.accept(this);
    }
  }

  /**
   * Marks the attempt as over its time limit and interrupts its thread. The worker records it as
   * failed with a {@link dev.semafor.JobTimeoutException} at once, whatever the task does next; a
   * task that never checks for interruption runs on, on a thread the pool has given up (a thread
   * cannot be killed: use the processes model for a hard limit). Idempotent.
   */
  public void timeOut() {
    if (TIMED_OUT.compareAndSet(this, false, true)) {
      interruptRunner();
    }
  }

  public boolean isTimedOut() {
    return timedOut;
  }

  void timeoutTimer(WorkerTime.Cancellable timer) {
    extras().timeoutTimer = timer;
  }

  void timeLimit(java.time.Duration limit) {
    extras().timeLimit = limit;
  }

  /**
   * The time limit of this attempt: the job's own, else its task's default (set by the worker);
   * null if none. In-process pools have the worker enforce it; the process pool kills the child.
   */
  public java.time.Duration timeLimit() {
    Extras e = extras;
    java.time.Duration limit = e == null ? null : e.timeLimit;
    return limit != null ? limit : lease.timeout();
  }

  WorkerTime.Cancellable timeoutTimer() {
    Extras e = extras;
    return e == null ? null : e.timeoutTimer;
  }

  /** Marks the job cancelled, interrupts its thread and runs the cancel action. Idempotent. */
  public void cancel() {
    if (CANCELLED.compareAndSet(this, false, true)) {
      interruptRunner();
      Extras e = extras;
      Consumer<Assignment> action = e == null ? null : e.onCancel;
      if (action != null) {
        action.accept(this);
      }
    }
  }

  public String jobId() {
    return lease.jobId();
  }

  public String task() {
    return lease.task();
  }

  public String queue() {
    return lease.queue();
  }

  /** Which attempt this is, from 1. */
  public int attempt() {
    return lease.attempts();
  }

  public int maxAttempts() {
    return lease.maxAttempts();
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** A progress report of the task (or of its child, for the process pool). */
  public void progress(double fraction, String message) {
    leased.progressSink.report(this, fraction, message);
  }

  /** A line the task wrote (or its child, for the process pool). */
  public void log(String line) {
    leased.progressSink.log(this, line);
  }

  /**
   * The task's view of its assignment: what a task may do and nothing that steers the attempt (no
   * cancel, time-out, runner or start stamp). An inner class, so the assignment is not reachable
   * from it by a cast.
   */
  private final class TaskContext implements JobContext {
    @Override
    public String jobId() {
      return Assignment.this.jobId();
    }

    @Override
    public String task() {
      return Assignment.this.task();
    }

    @Override
    public String queue() {
      return Assignment.this.queue();
    }

    @Override
    public int attempt() {
      return Assignment.this.attempt();
    }

    @Override
    public int maxAttempts() {
      return Assignment.this.maxAttempts();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void progress(double fraction, String message) {
      Assignment.this.progress(fraction, message);
    }

    @Override
    public void log(String line) {
      Assignment.this.log(line);
    }

    @Override
    public String toString() {
      return "JobContext[" + jobId() + "]";
    }
  }

  @Override
  public String toString() {
    return isPoison() ? "Assignment[POISON]" : "Assignment[" + jobId() + "]";
  }
}
