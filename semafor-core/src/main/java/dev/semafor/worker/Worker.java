package dev.semafor.worker;

import dev.semafor.BrokerFatalException;
import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.schedule.Schedule;
import dev.semafor.schedule.Scheduler;
import dev.semafor.spi.Broker;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.spi.WorkerInfo;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side: leases jobs from a broker and runs them on an {@link ExecutionPool}.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>One <b>fetcher</b> leases in batches into a local queue (the {@link Inbox}), never holding
 *       more than {@code concurrency + prefetch} jobs ({@link Fetcher}; see {@link WorkerConfig}
 *       for how prefetch adapts to job length).
 *   <li>The <b>pool</b>'s members take from the local queue and run jobs.
 *   <li>One <b>completer</b> writes outcomes in batches and decides retries ({@link Completer}).
 *   <li>On a broker that answers in this process ({@link Broker#inProcess}), the member that ends a
 *       job writes gathered outcomes and leases the next batch itself (caller-runs), and the
 *       fetcher and completer threads do the rest: first lease, back-off, idle polling, stragglers.
 *   <li>One <b>heartbeater</b> extends the leases of every job the worker holds, writes progress,
 *       passes on cancellations within about a second, and reaps leases other workers left to
 *       expire ({@link Heartbeater}).
 *   <li>One <b>scheduler</b> enqueues the jobs of the worker's periodic schedules ({@link
 *       Scheduler}).
 * </ul>
 *
 * <h2>Lifecycle</h2>
 *
 * NEW ─start─▶ RUNNING ─close (or burst: queues empty)─▶ STOPPING ─▶ TERMINATED. Closing stops the
 * fetcher, hands every leased job that has not started back to the broker at once, lets running
 * jobs finish within the grace period, stops the pool with poison pills, writes the last outcomes,
 * and releases whatever is still leased. Nothing it held stays {@code RUNNING}.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  enum State {
    NEW,
    RUNNING,
    STOPPING,
    TERMINATED
  }

  private final Broker broker;
  private final TaskRegistry registry;
  private final WorkerConfig config;
  private final InstantSource clock;
  private final ExecutionPool pool;
  private final WorkerListener listener;
  private final Completer completer;
  private final Heartbeater heartbeater;
  private final Inbox inbox;
  private final WorkerTime.Timer timeouts;
  private final Scheduler scheduler;

  /** Every job this worker holds a lease on: waiting in the inbox or running. */
  private final HeldLeases held = new HeldLeases();

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  /** Why the worker stopped by itself, if it failed ({@link #fail}); set once. */
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Fetcher fetcher;

  /**
   * True if pool members write outcomes and lease for themselves ({@link Broker#inProcess}): see
   * {@link #finished}.
   */
  private final boolean callerRuns;

  private final LongAdder succeeded = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder dead = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder released = new LongAdder();
  private final LongAdder lost = new LongAdder();

  public Worker(Broker broker, TaskRegistry registry, WorkerConfig config) {
    this(broker, registry, config, Json.defaults(), InstantSource.system(), WorkerListener.NONE);
  }

  public Worker(
      Broker broker,
      TaskRegistry registry,
      WorkerConfig config,
      Json json,
      InstantSource clock,
      WorkerListener listener) {
    this(broker, registry, config, json, WorkerTime.system(clock), listener);
  }

  /**
   * A worker on {@code time}: tests pass a virtual one, so that heartbeats, time limits and
   * back-offs run on time the test moves.
   */
  Worker(
      Broker broker,
      TaskRegistry registry,
      WorkerConfig config,
      Json json,
      WorkerTime time,
      WorkerListener listener) {
    this.broker = Objects.requireNonNull(broker, "broker");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(time, "time");
    this.clock = time.clock();
    this.listener = GuardedListener.wrap(Objects.requireNonNull(listener, "listener"));
    this.pool = Pools.create(config, new JobExecutor(registry, json));
    this.callerRuns = broker.inProcess();
    this.inbox = new Inbox(new InboxGate());
    LogShipper logs = new LogShipper(broker, clock);
    this.completer =
        new Completer(
            broker,
            time,
            new SplittableRandom(),
            new Completer.Recorded() {
              @Override
              public void recorded(Assignment a, Outcome outcome, boolean applied, Fate fate) {
                Worker.this.recorded(a, outcome, applied, fate);
              }

              @Override
              public void batchRecorded(List<Assignment> reported) {
                recordedBatch(reported);
              }
            },
            "semafor-completer",
            logs);
    this.heartbeater = new Heartbeater(broker, config, held, new Beats(), logs, time);
    this.scheduler = new Scheduler(new Client(broker, registry, json, clock), clock);
    this.timeouts = time.timer("semafor-timeouts");
    this.fetcher =
        new Fetcher(
            broker,
            config,
            registry,
            inbox,
            held,
            new Assignment.ProgressSink() {
              @Override
              public void report(Assignment a, double fraction, String message) {
                heartbeater.progress(a, fraction, message);
              }

              @Override
              public void log(Assignment a, String line) {
                logs.log(a, line);
              }
            },
            new FetcherHost(),
            time);
  }

  public String id() {
    return config.workerId();
  }

  public WorkerConfig config() {
    return config;
  }

  public ExecutionPool pool() {
    return pool;
  }

  /**
   * Runs {@code schedule} on this worker (before or after {@link #start}): its jobs are enqueued on
   * its ticks, exactly one per tick however many workers run the same schedule.
   *
   * @throws IllegalArgumentException if a schedule with that name was added, or its task is not
   *     registered
   */
  public Worker schedule(Schedule schedule) {
    scheduler.add(schedule);
    return this;
  }

  /** This worker's scheduler ({@link #schedule}); its {@link Scheduler#tick()} makes one pass. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Starts fetching and running jobs. Returns at once. If a part fails to start (say a worker
   * process of the processes model), what had started is stopped, the worker unregistered and
   * {@link #isTerminated terminated}, and the error thrown.
   */
  public Worker start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("worker " + id() + " was already started");
    }
    log.info("worker {} starting on {}: {}", id(), broker.describe(), config);
    register();
    try {
      pool.start(inbox, this::finished);
      completer.start();
      heartbeater.start();
      scheduler.start(Scheduler.DEFAULT_INTERVAL);
      fetcher.start();
    } catch (RuntimeException | Error e) {
      undoStart();
      throw e;
    }
    return this;
  }

  /** Stops what {@link #start} started before it failed; nothing was leased yet. */
  private void undoStart() {
    state.set(State.STOPPING);
    try {
      fetcher.stop();
      scheduler.close();
      heartbeater.stop();
      completer.stop(Duration.ZERO);
      timeouts.close();
      pool.close();
      unregister();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("worker {}: while undoing a failed start: {}", id(), e.toString());
    } finally {
      state.set(State.TERMINATED);
      terminated.countDown();
    }
  }

  /** Waits until the worker has stopped; true if it did within {@code timeout}. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  public WorkerStats stats() {
    return new WorkerStats(
        held.leasedTotal(),
        succeeded.sum(),
        retried.sum(),
        dead.sum(),
        cancelled.sum(),
        released.sum(),
        lost.sum(),
        held.size());
  }

  /**
   * Why the worker stopped by itself, if it did because of a fault: a {@link
   * dev.semafor.BrokerFatalException} (a database it can no longer use) or, in burst mode, a broker
   * that failed. Empty while it runs and after a stop that was asked for or a burst that finished.
   */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Stops the worker, from a thread of its own, because of {@code cause}; logs one line. */
  private void fail(RuntimeException cause) {
    if (failure.compareAndSet(null, cause)) {
      log.error("worker {}: stopping, the broker cannot be used: {}", id(), cause.getMessage());
      Thread.ofPlatform().name("semafor-fail-stop").start(this::close);
    }
  }

  /** Stops gracefully (see the class comment) and waits until done. Idempotent. */
  @Override
  public void close() {
    if (state.compareAndSet(State.NEW, State.TERMINATED)) {
      terminated.countDown();
      return;
    }
    if (state.compareAndSet(State.RUNNING, State.STOPPING)) {
      shutdown();
    }
    try {
      terminated.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void register() {
    try {
      broker.registerWorker(
          new WorkerInfo(
              id(),
              host(),
              ProcessHandle.current().pid(),
              config.model(),
              config.concurrency(),
              config.queues(),
              0,
              clock.instant(),
              null,
              registry.names()));
    } catch (RuntimeException e) {
      log.warn("worker {}: could not register with {}: {}", id(), broker.describe(), e.toString());
    }
  }

  private void unregister() {
    if (failure.get() instanceof BrokerFatalException) {
      return; // the broker cannot be used: its registry row stays, and fail() said why
    }
    try {
      broker.unregisterWorker(id());
    } catch (RuntimeException e) {
      log.warn("worker {}: could not unregister: {}", id(), e.toString());
    }
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  // ---- pool and completer callbacks ----

  private void taken(Assignment a) {
    Duration limit = timeLimit(a);
    if (limit != null) { // a.timeLimit() falls back to the job's own (null) limit without it
      a.timeLimit(limit);
    }
    if (limit != null && pool.model() != ExecutionModel.PROCESSES) {
      // The process pool enforces time limits itself, by killing the child.
      a.timeoutTimer(timeouts.schedule(() -> timedOut(a), limit));
    }
    listener.onStarted(a);
    // No wake for the fetcher: a take leaves what it holds, and so its room to fill, as it was.
  }

  /** The job's own time limit, else its task's default; null for none. */
  private Duration timeLimit(Assignment a) {
    Duration own = a.lease().timeout();
    if (own != null) {
      return own;
    }
    TaskDefinition<?, ?> definition = a.definition(); // the fetcher looked it up
    if (definition != null) {
      return definition.options().timeout();
    }
    return registry.find(a.task()).map(d -> d.options().timeout()).orElse(null);
  }

  /**
   * The time limit of a job on an in-process pool has passed: it is recorded as timed out now,
   * whether or not its thread heeds the interrupt; a thread that runs on is given up by the pool.
   */
  private void timedOut(Assignment a) {
    a.timeOut();
    Outcome outcome = Pools.timedOut(a);
    if (a.markFinished()) {
      pool.abandon(a);
      record(a, outcome);
    }
  }

  private void finished(Assignment a, Outcome outcome) {
    if (a.markFinished()) {
      record(a, outcome);
    } // else recorded already, as timed out at its deadline or as stopped with the worker
    if (callerRuns) {
      // On a cheap broker the member that ended the job writes gathered outcomes and leases the
      // next batch itself: no hand-off to the completer and fetcher threads, no wake-up.
      completer.writeHere();
      fetcher.fillHere();
    }
  }

  private void record(Assignment a, Outcome outcome) {
    WorkerTime.Cancellable timer = a.timeoutTimer();
    if (timer != null) {
      timer.cancel();
    }
    long started = a.startedAtNanos();
    long ran = started == 0 ? 0 : System.nanoTime() - started;
    a.ranNanos(ran); // folded into the prefetch's mean with its batch (recordedBatch), not per job
    listener.onFinished(a, outcome, ran);
    completer.accept(a, outcome);
  }

  private void recorded(Assignment a, Outcome outcome, boolean applied, Fate fate) {
    if (!applied) {
      lost.increment();
      listener.onLeaseLost(a);
    } else {
      listener.onRecorded(a, outcome, fate);
      switch (fate) {
        case SUCCEEDED -> succeeded.increment();
        case RETRIED -> retried.increment();
        case DEAD -> dead.increment();
        case CANCELLED -> cancelled.increment();
      }
    }
  }

  /**
   * The completer wrote a batch of outcomes: their leases are no longer held (dropped here, once
   * per batch), and there may be room for the fetcher to fill now.
   */
  private void recordedBatch(List<Assignment> reported) {
    fetcher.ran(reported); // the batch's run times, into the mean that sizes the prefetch
    held.removeEach(reported);
    if (config.burst() && held.isEmpty()) {
      // The fetcher may be backing off on empty queues; let it see now that it can stop.
      fetcher.unpark();
    }
    if (!completer.onOwnThread()) {
      return; // a member wrote the batch, and looks for room to fill next (finished)
    }
    if (callerRuns) {
      fetcher.fillHere(); // leases on this thread too, rather than waking the fetcher's
    } else {
      fetcher.wake();
    }
  }

  private void leaseLost(Assignment a, LeaseStatus status) {
    if (inbox.remove(a)) {
      // Leased, never started: drop it from the inbox at once. Released, a job whose cancellation
      // was requested ends CANCELLED; a lost lease needs no write.
      held.remove(a);
      if (status == LeaseStatus.CANCEL_REQUESTED) {
        log.info("worker {}: job {} was cancelled before it started", id(), a.jobId());
        release(List.of(a.ref()));
        cancelled.increment();
      } else {
        lost.increment();
        listener.onLeaseLost(a);
      }
      fetcher.wake();
      return;
    }
    if (a.isFinished()) {
      // The heartbeat raced the completer's write of this very attempt; if the write was really
      // refused, the completer counts it as lost.
      return;
    }
    if (status == LeaseStatus.LOST) {
      log.warn(
          "worker {}: lease of job {} was lost; its result will be discarded", id(), a.jobId());
    }
    a.cancel();
  }

  /** Takes leased jobs that never started out of the worker and releases their leases. */
  private void handBack(List<Assignment> assignments, String why) {
    List<LeaseRef> refs = held.removeAll(assignments);
    log.debug("worker {}: handing back {} jobs {}", id(), refs.size(), why);
    release(refs);
    fetcher.wake();
  }

  /** The fetcher's view of the worker. */
  private final class FetcherHost implements Fetcher.Host {
    @Override
    public boolean isRunning() {
      return state.get() == State.RUNNING;
    }

    @Override
    public void leased(List<dev.semafor.spi.Lease> leases) {
      listener.onLeased(leases);
    }

    @Override
    public void handBack(List<Assignment> assignments, String why) {
      Worker.this.handBack(assignments, why);
    }

    @Override
    public void drained() {
      Thread.ofPlatform().name("semafor-burst-stop").start(Worker.this::close);
    }

    @Override
    public void failed(RuntimeException cause) {
      fail(cause);
    }
  }

  /** The heartbeater's view of the worker. */
  private final class Beats implements Heartbeater.Listener {
    @Override
    public void leaseProblem(Assignment a, LeaseStatus status) {
      leaseLost(a, status);
    }

    @Override
    public void reaped(int count) {
      listener.onLeasesReaped(count);
    }
  }

  /** The inbox's view of the worker: what a take does, and which jobs must not start. */
  private final class InboxGate implements Inbox.TakeListener {
    @Override
    public void taken(Assignment a) {
      Worker.this.taken(a);
    }

    @Override
    public boolean stale(Assignment a) {
      return a.leaseExpired(clock.millis());
    }

    @Override
    public void handBack(List<Assignment> stale) {
      log.warn(
          "worker {}: handing back {} jobs {}", id(), stale.size(), Fetcher.EXPIRED_BEFORE_START);
      Worker.this.handBack(stale, Fetcher.EXPIRED_BEFORE_START);
    }
  }

  // ---- shutdown ----

  private void shutdown() {
    long started = System.nanoTime();
    try {
      fetcher.stop();
      releaseUnstarted();
      boolean clean = pool.stop(config.shutdownGrace());
      if (!clean) {
        log.warn(
            "worker {}: jobs still running after the {} ms grace; interrupting them",
            id(),
            config.shutdownGrace().toMillis());
        pool.close();
        pool.stop(afterInterrupt());
      }
      failRunning();
      scheduler.close();
      completer.stop(config.shutdownGrace());
      completer.awaitStopped(config.shutdownGrace().plus(Duration.ofSeconds(30)));
      heartbeater.stop();
      timeouts.close();
      releaseRemaining();
      pool.close();
      unregister();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      releaseRemaining();
    } finally {
      state.set(State.TERMINATED);
      terminated.countDown();
      log.info(
          "worker {} stopped in {} ms: {}",
          id(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          stats());
    }
  }

  /** How long jobs interrupted at shutdown get to end: the grace, within 0.1 to 5 seconds. */
  private Duration afterInterrupt() {
    Duration grace = config.shutdownGrace();
    return grace.compareTo(Duration.ofMillis(100)) < 0
        ? Duration.ofMillis(100)
        : grace.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : grace;
  }

  /**
   * Records every job that started and still runs after the pool was stopped and interrupted as a
   * failed attempt ({@link StoppedJobs}); only unstarted jobs are handed back uncounted.
   */
  private void failRunning() {
    for (Assignment a : held.running()) {
      finished(a, StoppedJobs.outcome(a, config.shutdownGrace()));
    }
  }

  /** Hands every job still waiting in the local queue back to the broker. */
  private void releaseUnstarted() {
    List<Assignment> waiting = new ArrayList<>();
    inbox.drainTo(waiting);
    List<LeaseRef> refs = new ArrayList<>(waiting.size());
    for (Assignment a : waiting) {
      if (!a.isPoison()) {
        refs.add(a.ref());
        held.remove(a);
      }
    }
    release(refs);
  }

  /** Releases leases whose outcome never reached the broker (a job the pool gave up on). */
  private void releaseRemaining() {
    release(held.clear());
  }

  private void release(List<LeaseRef> refs) {
    if (refs.isEmpty()) {
      return;
    }
    try {
      broker.release(refs);
      released.add(refs.size());
    } catch (RuntimeException e) {
      log.warn(
          "worker {}: could not release {} leases; they return when their leases expire: {}",
          id(),
          refs.size(),
          e.toString());
    }
  }
}
