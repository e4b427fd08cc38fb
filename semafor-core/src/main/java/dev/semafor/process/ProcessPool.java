package dev.semafor.process;

import dev.semafor.ExecutionModel;
import dev.semafor.SemaforException;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.ExecutionPool;
import dev.semafor.worker.OutcomeSink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ExecutionModel#PROCESSES} pool: N child JVMs, started once and kept, each fed by one
 * platform thread of this JVM. Children run {@link ChildMain} on this JVM's {@code java} binary and
 * classpath (plus any extra entries), so they find the same task modules.
 *
 * <pre>{@code
 * ProcessPool pool = ProcessPool.builder().size(2).jvmOptions(List.of("-Xmx256m")).build();
 * pool.start(inbox, sink);
 * }</pre>
 *
 * <h2>Protocol</h2>
 *
 * Length-prefixed JSON frames ({@link FrameCodec}) over each child's stdin and stdout; the child's
 * {@code System.out} goes to its stderr, which this JVM forwards line by line (to {@code
 * System.err} unless {@link ProcessPoolBuilder#childOutput} says otherwise).
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>A child that dies mid-job fails only that job, retryable, with a {@link
 *       WorkerProcessDiedException} error naming the process and how it ended ("exit code 3", or
 *       "killed by signal 9 (SIGKILL)") and the last lines of its stderr; it is replaced at once.
 *   <li>A job over its time limit ({@code JobOptions.timeout}) has its child killed and replaced,
 *       and fails with a {@link dev.semafor.JobTimeoutException} error.
 *   <li>A cancelled job gets a Cancel frame (its {@code isCancelled()} turns true and its thread is
 *       interrupted); if it still runs after {@link ProcessPoolBuilder#cancelGrace}, its child is
 *       killed.
 *   <li>A child that dies while idle is replaced at once.
 *   <li>A child that cannot be started is retried with growing pauses (up to 30 s); only the first
 *       start, in {@link #start}, fails fast with a {@link WorkerProcessStartException}.
 * </ul>
 *
 * The pool keeps its size through all of these. With {@link ProcessPoolBuilder#maxJobsPerChild}
 * set, a child is stopped and replaced after that many jobs.
 *
 * <h2>Pipelining</h2>
 *
 * While jobs are short and every member is busy, a member sends a few jobs ahead to its child,
 * which runs them in order (see {@link Member} and {@link ProcessPoolBuilder#pipelineBudget}). A
 * job's time limit starts when it starts running; jobs waiting behind one whose child died go to
 * the replacement, never failed for a death they did not cause.
 *
 * <h2>Lifecycle</h2>
 *
 * NEW ─start─▶ RUNNING ─stop─▶ STOPPED, and {@link #close} from any state kills whatever lives.
 * {@link #start} blocks until every child is ready (typically well under a second, plus its {@link
 * WarmUpJob}s), so a bad JVM option fails there with the child's own error. {@link #stop} queues
 * one poison pill per member behind the queued work; each member sends its child a Stop frame and
 * waits up to {@link ProcessPoolBuilder#stopTimeout} for it to exit before killing it. A child
 * whose parent dies — even by SIGKILL — sees its stdin close and exits at once.
 */
public final class ProcessPool implements ExecutionPool {
  public static final List<String> DEFAULT_JVM_OPTIONS = ChildJvmOptions.DEFAULTS;
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_PIPELINE_BUDGET = Duration.ofMillis(2);
  static final Duration MAX_RESTART_PAUSE = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);

  private final int size;
  private final ChildCommand command;
  private final FrameCodec codec;
  private final int maxJobsPerChild;
  private final Duration cancelGrace;
  private final Duration stopTimeout;
  private final Duration startTimeout;
  private final Consumer<String> childOutput;
  private final List<String> expectedTasks;
  private final AtomicBoolean warnedMissing = new AtomicBoolean();

  /** Every child started and not yet discarded, for {@link #close}. */
  private final Set<ChildProcess> children = ConcurrentHashMap.newKeySet();

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger idleMembers = new AtomicInteger();
  private final AtomicLong resent = new AtomicLong();
  private final Duration pipelineBudget;
  private final ScheduledThreadPoolExecutor watchdog;
  private final Flight.Watchdog flightWatchdog;

  /** Set once by {@link #start}, under {@code this}. */
  private volatile BlockingQueue<Assignment> inbox;

  private volatile OutcomeSink sink;
  private volatile List<Member> members = List.of();
  private volatile List<Thread> threads = List.of();
  private volatile boolean closed;

  ProcessPool(ProcessPoolBuilder b) {
    this.size = b.size;
    this.command = ChildCommand.ofCurrentJvm(b.jvmOptions, b.extraClasspath, b.warmUps);
    this.codec = new FrameCodec(b.json, b.maxFrameBytes);
    this.maxJobsPerChild = b.maxJobsPerChild;
    this.cancelGrace = b.cancelGrace;
    this.stopTimeout = b.stopTimeout;
    this.startTimeout = b.startTimeout;
    this.childOutput = b.childOutput;
    this.pipelineBudget = b.pipelineBudget;
    this.expectedTasks = b.expectedTasks;
    this.watchdog =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("semafor-process-watchdog").unstarted(r));
    this.watchdog.setRemoveOnCancelPolicy(true);
    this.flightWatchdog = b.flightWatchdog.apply(Flight.Watchdog.of(watchdog));
  }

  public static ProcessPoolBuilder builder() {
    return new ProcessPoolBuilder();
  }

  @Override
  public ExecutionModel model() {
    return ExecutionModel.PROCESSES;
  }

  @Override
  public int concurrency() {
    return size;
  }

  /**
   * Starts every child, waits until each is ready, then starts one member thread per child.
   *
   * @throws WorkerProcessStartException if a child cannot start (the pool is then closed)
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public synchronized void start(BlockingQueue<Assignment> inbox, OutcomeSink sink) {
    Objects.requireNonNull(inbox, "inbox");
    Objects.requireNonNull(sink, "sink");
    if (this.inbox != null || closed) {
      throw new IllegalStateException("the process pool was already started");
    }
    this.inbox = inbox;
    this.sink = sink;
    List<ChildProcess> first = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        first.add(startUnready());
      }
      codec.warmUp(); // while the children start: the members' first frames are not slowed
      for (ChildProcess c : first) {
        warnIfTasksMissing(c.awaitReady(startTimeout, watchdog));
      }
    } catch (IOException e) {
      close();
      throw new WorkerProcessStartException(
          "cannot start a worker process with " + command.javaBinary() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    List<Member> started = new ArrayList<>();
    List<Thread> memberThreads = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Member member = new Member(this, i, first.get(i));
      started.add(member);
      memberThreads.add(
          Thread.ofPlatform().name("semafor-processes-" + i).daemon(true).start(member));
    }
    members = List.copyOf(started);
    threads = List.copyOf(memberThreads);
  }

  private void warnIfTasksMissing(Frame.Ready ready) {
    List<String> missing = new ArrayList<>(expectedTasks);
    missing.removeAll(ready.tasks());
    if (!missing.isEmpty() && warnedMissing.compareAndSet(false, true)) {
      log.warn(
          "tasks registered in this JVM are unknown to its worker processes, so their jobs will"
              + " fail there: {} (a child finds tasks only through a TaskModule listed in"
              + " META-INF/services/dev.semafor.TaskModule on its classpath)",
          missing);
    }
  }

  @Override
  public boolean stop(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    List<Member> current = members;
    BlockingQueue<Assignment> queue = inbox;
    if (queue == null) {
      return true;
    }
    for (int i = 0; i < current.size(); i++) {
      if (!queue.offer(Assignment.POISON, remaining(deadline), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    for (Member member : current) {
      if (!member.exited.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    watchdog.shutdownNow();
    return true;
  }

  /** Jobs handed to children and not yet done: running, or queued in a child behind one. */
  @Override
  public int running() {
    return running.get();
  }

  /** The PIDs of the live children, one per slot that has one (a slot being refilled has none). */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Member member : members) {
      long pid = member.pid();
      if (pid >= 0) {
        pids.add(pid);
      }
    }
    return pids;
  }

  /**
   * Kills every child and wakes every member (a job still running fails, retryable, as killed
   * because the pool closed), then waits briefly for the children to be gone.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChildProcess> toKill = List.copyOf(children);
    for (ChildProcess c : toKill) {
      c.kill(ChildProcess.KillReason.CLOSED);
    }
    for (Thread thread : threads) {
      thread.interrupt();
    }
    for (ChildProcess c : toKill) {
      c.awaitExit(Duration.ofSeconds(5));
    }
    watchdog.shutdownNow();
  }

  boolean isClosed() {
    return closed;
  }

  /** Starts a child and waits until it is ready; used to refill a slot. */
  ChildProcess startChild() throws IOException {
    ChildProcess c = startUnready();
    try {
      c.awaitReady(startTimeout, watchdog);
    } catch (IOException | RuntimeException e) {
      c.kill(ChildProcess.KillReason.START_TIMEOUT);
      forget(c);
      throw e;
    }
    return c;
  }

  /**
   * Starts a child for {@code slot}, retrying with growing pauses (up to {@link
   * #MAX_RESTART_PAUSE}) while starts fail.
   *
   * @throws InterruptedException if interrupted, or once the pool is closed
   */
  ChildProcess startChildPatiently(int slot) throws InterruptedException {
    Duration pause = Duration.ofMillis(100);
    while (true) {
      if (closed) {
        throw new InterruptedException("the process pool is closed");
      }
      try {
        return startChild();
      } catch (IOException | SemaforException e) {
        log.warn(
            "process pool slot {} could not start a worker process; retrying in {} ms: {}",
            slot,
            pause.toMillis(),
            e.getMessage());
        Thread.sleep(pause);
        pause = pause.multipliedBy(2);
        if (pause.compareTo(MAX_RESTART_PAUSE) > 0) {
          pause = MAX_RESTART_PAUSE;
        }
      }
    }
  }

  private ChildProcess startUnready() throws IOException {
    ChildProcess c = ChildProcess.start(command, codec, childOutput);
    children.add(c);
    if (closed) { // close() may have missed it
      c.kill(ChildProcess.KillReason.CLOSED);
    }
    return c;
  }

  void forget(ChildProcess c) {
    children.remove(c);
  }

  BlockingQueue<Assignment> inbox() {
    return inbox;
  }

  OutcomeSink sink() {
    return sink;
  }

  FrameCodec codec() {
    return codec;
  }

  /** Where the members' flights arm their kills: the watchdog thread. */
  Flight.Watchdog flightWatchdog() {
    return flightWatchdog;
  }

  AtomicInteger runningCount() {
    return running;
  }

  /** Jobs sent again to a replacement child because they had not started in one that died. */
  AtomicLong resentCount() {
    return resent;
  }

  Duration pipelineBudget() {
    return pipelineBudget;
  }

  /** Members waiting for an assignment right now. */
  AtomicInteger idleMembers() {
    return idleMembers;
  }

  int maxJobsPerChild() {
    return maxJobsPerChild;
  }

  Duration cancelGrace() {
    return cancelGrace;
  }

  Duration stopTimeout() {
    return stopTimeout;
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
