package dev.semafor.worker;

import dev.semafor.JobError;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes finished attempts to the broker in batches, on one thread. Pool members hand it outcomes
 * ({@link #accept}); it drains whatever has gathered, decides each failure's fate — retry at {@code
 * now + backoff} while attempts are left and the error is retryable, else dead; cancelled if the
 * job stopped for a cancellation — and writes successes and failures with one broker call each.
 *
 * <p>Chains: when a job with a continuation ({@link JobRecord#next()}) succeeds, the completer
 * builds the next step's job (input: this result) and hands it to the broker with the success, so
 * both are stored in one atomic step. A continuation that cannot be read makes the job dead with
 * that error, visibly, rather than dropping the rest of the chain.
 *
 * <p>If the broker is briefly unreachable the batch is kept and tried again, so no result is
 * dropped while the worker runs; leases that expire meanwhile make the broker reject the late
 * results, which is the at-least-once contract. Once the worker stops ({@link #stop}) it tries for
 * the shutdown grace, then gives up with one line and its thread ends: the jobs come back when
 * their leases expire.
 *
 * <p>The {@link Recorded} callback runs once per written attempt; if it throws, that is logged and
 * the rest of the batch is reported all the same (never written twice, never reported lost).
 */
final class Completer implements OutcomeSink {
  private static final Logger log = LoggerFactory.getLogger(Completer.class);
  private static final int MAX_BATCH = 512;
  private static final int GATHER = 64;
  private static final long GATHER_NANOS = 200_000;

  /**
   * How long the completer's thread lets outcomes gather when members write for themselves ({@link
   * #writeHere}): longer, since a member writes each gather as it fills and the thread only picks
   * up what is left (outcomes behind a long job, the end of a stream), and each of its rounds costs
   * a wake-up and a turn at the lock the members write under.
   */
  private static final long MEMBERS_GATHER_NANOS = 1_000_000;

  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long STOPPING_PAUSE_NANOS = 50_000_000;

  /** How many stacks outcomes are handed in on (a power of two); see {@link #handedIn}. */
  private static final int STRIPES = 4;

  /** Slots between two stacks' heads: 16 references fill a 64-byte line even when compressed. */
  private static final int SPACING = 16;

  /** Called for each attempt once the broker has recorded it (or rejected it). */
  interface Recorded {
    void recorded(Assignment a, Outcome outcome, boolean applied, Fate fate);

    /**
     * Called once after the attempts of a batch were reported, with those attempts (the worker
     * drops their leases from those it holds, and the fetcher may refill then).
     */
    default void batchRecorded(List<Assignment> reported) {}
  }

  private final Broker broker;
  private final InstantSource clock;
  private final WorkerTime time;
  private final WorkerTime.Timer timer;
  private final RandomGenerator random;
  private final Recorded recorded;
  private final LogShipper logs;

  /**
   * The outcomes handed in and not yet taken: lock-free stacks, newest first, one per stripe of the
   * threads that hand them in. A hand-off is one compare-and-set on the stack of the caller's
   * stripe, so two pool members handing in at once do not fight over one cache line; the completer
   * takes everything at once ({@link #takeAll}) and wakes only if it sleeps ({@link #idle}). The
   * stacks' heads sit {@link #SPACING} slots apart: each on a cache line of its own.
   */
  private final AtomicReferenceArray<Assignment> handedIn =
      new AtomicReferenceArray<>(STRIPES * SPACING);

  /**
   * Taken from {@link #handedIn} but beyond a batch's size: the next batch starts with them.
   * Guarded by {@link #writing}.
   */
  private final ArrayDeque<Assignment> carried = new ArrayDeque<>();

  /**
   * Held by whoever takes and writes outcomes: the completer's thread or, with caller-runs writes,
   * a pool member ({@link #writeHere}).
   */
  private final ReentrantLock writing = new ReentrantLock();

  /** True if pool members may write gathered outcomes themselves (a cheap broker). */
  private final boolean callerRuns;

  /**
   * False after a member's write failed, until the completer's thread wrote again: it retries with
   * its back-off, and members leave the writes to it meanwhile.
   */
  private volatile boolean membersWrite = true;

  /** True while outcomes a member failed to write wait in {@link #carried} for the thread. */
  private volatile boolean handedBack;

  /**
   * True while the completer's thread parks for want of outcomes; the hand-off that wakes it clears
   * it.
   */
  private volatile boolean idle;

  private static final VarHandle IDLE;

  static {
    try {
      IDLE = MethodHandles.lookup().findVarHandle(Completer.class, "idle", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The batch a member writes ({@link #writeHere}), empty between writes: one list for every write
   * rather than one each. Guarded by {@link #writing}.
   */
  private final List<Assignment> memberBatch = new ArrayList<>(MAX_BATCH);

  /** The attempts of the batch being written that were reported. Guarded by {@link #writing}. */
  private final List<Assignment> reported = new ArrayList<>(MAX_BATCH);

  private final Thread thread;
  private volatile boolean stopping;

  /** A lasting failure to write (a full disk) is logged once and retried with a back-off. */
  private final RetryLog retries =
      new RetryLog(
          log,
          "recording results",
          Duration.ofMillis(500),
          Duration.ofSeconds(5),
          System::nanoTime);

  /** When a stopping completer gives up on a broker that keeps failing; set before stopping. */
  private volatile Instant giveUpAt = Instant.MAX;

  /**
   * @param time its clock, and the timer its back-offs wait on (its own; the thread closes it)
   * @param name its thread's name
   * @param logs the shipper whose lines of a batch's jobs go out before their outcomes
   */
  Completer(
      Broker broker,
      WorkerTime time,
      RandomGenerator random,
      Recorded recorded,
      String name,
      LogShipper logs) {
    this.logs = logs;
    this.broker = broker;
    this.time = time;
    this.clock = time.clock();
    this.timer = time.timer(name + "-timer");
    this.random = random;
    this.recorded = recorded;
    this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    this.callerRuns = broker.inProcess();
  }

  void start() {
    thread.start();
  }

  @Override
  public void accept(Assignment assignment, Outcome outcome) {
    // The attempt itself is the stack's node: no object per hand-off (Assignment#handedOutcome).
    if (assignment.handedOutcome != null) {
      throw new IllegalStateException("handed in twice: " + assignment);
    }
    assignment.handedOutcome = Objects.requireNonNull(outcome, "outcome");
    int stripe = stripe();
    Assignment top;
    do {
      top = handedIn.get(stripe);
      assignment.handedBelow = top;
      assignment.handedDepth = top == null ? 1 : top.handedDepth + 1;
    } while (!handedIn.compareAndSet(stripe, top, assignment));
    if (idle && IDLE.compareAndSet(this, true, false)) { // the first hand-off wakes it, no other
      LockSupport.unpark(thread);
    }
  }

  /** The slot of the calling thread's stack in {@link #handedIn}. */
  private static int stripe() {
    return ((int) Thread.currentThread().threadId() & (STRIPES - 1)) * SPACING;
  }

  /** True if no outcome waits in any stack. */
  private boolean nothingHandedIn() {
    for (int i = 0; i < STRIPES * SPACING; i += SPACING) {
      if (handedIn.get(i) != null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves up to {@code max} outcomes handed in into {@code batch}, in the order they came, waiting
   * up to {@code nanos} for the first if there is none (not at all for 0); returns how many.
   */
  private int takeInto(List<Assignment> batch, int max, long nanos) {
    if (nanos > 0 && nothingHandedIn() && nothingCarried()) {
      long until = System.nanoTime() + nanos;
      try {
        while (true) {
          // Set before each look, again after each wake-up: a member may have taken and written
          // what woke it (writeHere), and the next hand-off must wake it again.
          idle = true; // then look again: an accept either sees it and unparks, or is seen here
          if (!nothingHandedIn()
              || handedBack
              || stopping
              || Thread.currentThread().isInterrupted()) {
            break;
          }
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          LockSupport.parkNanos(this, left);
        }
      } finally {
        idle = false;
      }
    }
    writing.lock();
    try {
      return moveInto(batch, max);
    } finally {
      writing.unlock();
    }
  }

  private boolean nothingCarried() {
    writing.lock();
    try {
      return carried.isEmpty();
    } finally {
      writing.unlock();
    }
  }

  /** Moves up to {@code max} outcomes handed in into {@code batch}; under {@link #writing}. */
  private int moveInto(List<Assignment> batch, int max) {
    handedBack = false;
    takeAll();
    int n = 0;
    Assignment d;
    while (n < max && (d = carried.pollFirst()) != null) {
      batch.add(d);
      n++;
    }
    return n;
  }

  /**
   * Caller-runs writes: a pool member that has just handed in an outcome writes what has gathered
   * on its own thread once there are {@link #GATHER} or more, instead of leaving it to the
   * completer's thread — for a broker whose calls cost no more than the hand-off ({@link
   * Broker#inProcess}). Returns at once if another thread writes now. A failed write goes back to
   * the completer's thread, which retries it with its back-off. The completer's thread still writes
   * whatever a member leaves (a last few outcomes, a stream too thin to gather).
   */
  void writeHere() {
    if (!callerRuns || !membersWrite || stopping) {
      return;
    }
    Assignment top = handedIn.get(stripe());
    if (top == null
        || top.handedDepth < GATHER
        || writing.isHeldByCurrentThread() // a callback of this thread's write: one write at a time
        || !writing.tryLock()) {
      return;
    }
    List<Assignment> batch = memberBatch;
    try {
      while (moveInto(batch, MAX_BATCH) > 0) {
        try {
          write(batch);
        } finally {
          batchRecorded();
        }
        batch.clear();
      }
    } catch (RuntimeException e) {
      // Back to the head of the line, in order, for the completer's thread to try again.
      for (int i = batch.size() - 1; i >= 0; i--) {
        carried.addFirst(batch.get(i));
      }
      membersWrite = false;
      handedBack = true;
      LockSupport.unpark(thread);
    } finally {
      batch.clear();
      writing.unlock();
    }
  }

  /** True when called on the completer's own thread (not on a member writing for itself). */
  @SuppressWarnings("ReferenceEquality") // is this the completer's thread itself?
  boolean onOwnThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Moves everything handed in to {@link #carried}: stack by stack, each in the order it came
   * (outcomes of different stacks came from different threads, whose order is not kept anyway).
   */
  private void takeAll() {
    for (int i = 0; i < STRIPES * SPACING; i += SPACING) {
      if (handedIn.get(i) == null) {
        continue;
      }
      // The stack gives them newest first: turn its links around, then append oldest first.
      Assignment oldest = null;
      for (Assignment d = handedIn.getAndSet(i, null); d != null; ) {
        Assignment below = d.handedBelow;
        d.handedBelow = oldest;
        oldest = d;
        d = below;
      }
      for (Assignment d = oldest; d != null; ) {
        Assignment newer = d.handedBelow;
        d.handedBelow = null;
        carried.addLast(d);
        d = newer;
      }
    }
  }

  /** True while the completer's thread waits for outcomes (for tests). */
  boolean isIdle() {
    return idle;
  }

  /** How many outcomes wait to be taken. */
  private int pendingCount() {
    writing.lock();
    try {
      takeAll();
      return carried.size();
    } finally {
      writing.unlock();
    }
  }

  /**
   * Writes everything handed in so far, then stops; returns at once ({@link #awaitStopped} waits).
   * If the broker keeps failing, the completer gives up once {@code grace} has passed on its clock.
   */
  void stop(Duration grace) {
    giveUpAt = clock.instant().plus(grace);
    stopping = true;
    thread.interrupt();
  }

  /** Waits up to {@code timeout} for the thread to end after {@link #stop}; true if it did. */
  boolean awaitStopped(Duration timeout) throws InterruptedException {
    if (thread.getState() != Thread.State.NEW) {
      thread.join(Math.max(1, timeout.toMillis()));
    }
    return isStopped();
  }

  /** True once the completer's thread has ended. */
  boolean isStopped() {
    Thread.State s = thread.getState();
    return s == Thread.State.TERMINATED || (stopping && s == Thread.State.NEW);
  }

  private void loop() {
    try {
      run();
    } finally {
      timer.close();
    }
  }

  private void run() {
    List<Assignment> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        if (batch.isEmpty()) {
          if (takeInto(batch, MAX_BATCH, stopping ? 0 : WAIT_NANOS) == 0) {
            if (stopping) {
              return;
            }
            Thread.interrupted(); // a stray one: stop() sets stopping first
            continue;
          }
        }
        if (!stopping && batch.size() < GATHER && pendingCount() + batch.size() < GATHER) {
          // Let a stream of short jobs gather into one write instead of one wake-up per job.
          LockSupport.parkNanos(callerRuns ? MEMBERS_GATHER_NANOS : GATHER_NANOS);
        }
        writing.lock();
        try {
          if (batch.size() < MAX_BATCH) {
            moveInto(batch, MAX_BATCH - batch.size());
          }
          try {
            write(batch);
          } finally {
            batchRecorded();
          }
        } finally {
          writing.unlock();
        }
        retries.succeeded();
        membersWrite = true;
        batch.clear();
      } catch (Throwable t) { // stop()'s interrupt is no exception here: it keeps going until empty
        if (stopping && !clock.instant().isBefore(giveUpAt)) {
          log.warn(
              "could not record {} results before the shutdown grace ran out, giving up (their"
                  + " jobs come back when their leases expire): {}",
              batch.size() + pendingCount(),
              t.toString());
          return;
        }
        pause(retries.failed(t));
      }
    }
  }

  /** Waits out a back-off; {@link #stop}'s interrupt ends it early (and is cleared here). */
  private void pause(long backoffNanos) {
    long nanos = stopping ? STOPPING_PAUSE_NANOS : backoffNanos;
    long until = time.nanoTime() + nanos;
    for (long left = nanos; left > 0 && !Thread.interrupted(); left = until - time.nanoTime()) {
      timer.park(this, Duration.ofNanos(left));
    }
  }

  private void write(List<Assignment> batch) {
    if (logs.holdsAny()) { // the batch's lines first: their leases end below
      logs.ship(List.copyOf(batch));
    }
    Instant now = clock.instant();
    int n = batch.size();
    List<Completion> completions = new ArrayList<>(n);
    List<Failure> failures = new ArrayList<>();
    List<Assignment> failed = new ArrayList<>();
    List<Fate> failedKinds = new ArrayList<>();
    // The attempts of the completions, in their order: null when every attempt succeeded, when
    // they are the batch itself (the usual case: no second list).
    List<Assignment> succeeded = sort(batch, now, completions, failures, failed, failedKinds);
    if (!completions.isEmpty()) {
      List<Boolean> applied = broker.complete(completions);
      reportAll(succeeded != null ? succeeded : batch, completions.size(), applied, null);
      // Written: if the failures below throw, only they are tried again.
      batch.clear();
      batch.addAll(failed);
    }
    if (!failures.isEmpty()) {
      List<Boolean> applied = broker.fail(failures);
      reportAll(failed, failed.size(), applied, failedKinds);
    }
  }

  /**
   * Sorts a batch's attempts into {@code completions} and {@code failures} (with their attempts and
   * fates); returns the attempts of the completions in their order, or null if every attempt
   * succeeded (they are the batch). The loop apart from {@link #write}, and each job's part apart
   * from the loop ({@link #completion}): small methods the JIT compiles early, by their own counts.
   */
  private List<Assignment> sort(
      List<Assignment> batch,
      Instant now,
      List<Completion> completions,
      List<Failure> failures,
      List<Assignment> failed,
      List<Fate> failedKinds) {
    List<Assignment> succeeded = null;
    int n = batch.size();
    for (int i = 0; i < n; i++) { // no iterator: the batch is an ArrayList
      Assignment d = batch.get(i);
      Completion c;
      RuntimeException chainError = null;
      try {
        c = completion(d, now);
      } catch (RuntimeException e) { // its chain cannot be read
        c = null;
        chainError = e;
      }
      if (c != null) {
        completions.add(c);
        if (succeeded != null) {
          succeeded.add(d);
        }
      } else {
        succeeded = succeeded != null ? succeeded : new ArrayList<>(batch.subList(0, i));
        failures.add(failure(d, chainError, now, failedKinds));
        failed.add(d);
      }
    }
    return succeeded;
  }

  /**
   * Reports the first {@code count} of {@code attempts} as the broker answered ({@code applied}),
   * each as succeeded or, with {@code fates}, as its fate.
   */
  private void reportAll(
      List<Assignment> attempts, int count, List<Boolean> applied, List<Fate> fates) {
    for (int i = 0; i < count; i++) {
      report(attempts.get(i), applied.get(i), fates == null ? Fate.SUCCEEDED : fates.get(i));
    }
  }

  /**
   * The completion of a succeeded attempt; null if it failed or was cancelled (then {@link
   * #failure} makes its failure). Throws if its chain's next step cannot be read.
   */
  private static Completion completion(Assignment d, Instant now) {
    if (!(d.handedOutcome instanceof Outcome.Succeeded s)) {
      return null;
    }
    String next = d.lease().next();
    List<JobRecord> then = next == null ? List.of() : nextSteps(next, s.resultJson(), now);
    return new Completion(d.ref(), s.resultJson(), then);
  }

  /**
   * The failure to write for an attempt that {@link #completion} did not complete ({@code
   * chainError}: why a success's chain could not be read, else null); adds its fate to {@code
   * kinds}.
   */
  private Failure failure(
      Assignment d, RuntimeException chainError, Instant now, List<Fate> kinds) {
    switch (d.handedOutcome) {
      case Outcome.Succeeded s -> { // its chain cannot be read: dead, with that error
        kinds.add(Fate.DEAD);
        return Failure.dead(d.ref(), JobError.of(Objects.requireNonNull(chainError, "chainError")));
      }
      case Outcome.Failed f -> {
        JobRecord job = d.lease().job();
        boolean retry = f.retryable() && job.attempts() < job.maxAttempts();
        Instant at = retry ? now.plus(job.backoff().delay(job.attempts(), random)) : null;
        kinds.add(retry ? Fate.RETRIED : Fate.DEAD);
        return new Failure(d.ref(), f.error(), at);
      }
      case Outcome.Cancelled c -> {
        kinds.add(Fate.CANCELLED);
        return Failure.cancelled(d.ref(), JobError.of("dev.semafor.Cancelled", c.reason()));
      }
    }
  }

  private void batchRecorded() {
    try {
      recorded.batchRecorded(reported);
    } catch (RuntimeException e) {
      log.warn("after recording a batch: {}", e.toString());
    } finally {
      reported.clear();
    }
  }

  private void report(Assignment d, boolean applied, Fate fate) {
    reported.add(d);
    try {
      recorded.recorded(d, d.handedOutcome, applied, fate);
    } catch (RuntimeException e) {
      log.warn("after recording job {}: {}", d.jobId(), e.toString());
    }
  }

  /**
   * The next step of a job's chain ({@code chain}: the rest of it, {@link JobRecord#next()}),
   * created now with {@code result} as its input.
   */
  static List<JobRecord> nextSteps(String chain, String result, Instant now) {
    List<JobTemplate> steps = JobTemplate.listFromJson(chain);
    if (steps.isEmpty()) {
      return List.of();
    }
    JobRecord next =
        steps.get(0).toRecord(result, now).toBuilder()
            .next(JobTemplate.listToJson(steps.subList(1, steps.size())))
            .build();
    return List.of(next);
  }
}
