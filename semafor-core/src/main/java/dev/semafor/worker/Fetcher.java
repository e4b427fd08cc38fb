package dev.semafor.worker;

import dev.semafor.BrokerFatalException;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases a worker's jobs in batches into its local queue (the {@link Inbox}), on one thread, while
 * the worker is running. It never holds more than {@code concurrency + prefetch} jobs; the prefetch
 * grows for short jobs, from the mean run time the worker reports ({@link #ran}), so that the jobs
 * waiting in the queue would drain in about {@link WorkerConfig#DEFAULT_PREFETCH_WAIT}.
 *
 * <p>It refills once about half the prefetch is free (or a member would otherwise idle), so that a
 * stream of short jobs costs one lease call per batch rather than a wake-up per job; until then it
 * parks, and the worker wakes it ({@link #wake}) when a member takes a job or an outcome is
 * recorded. On empty queues it waits for the broker to signal work ({@link Broker#awaitWork}),
 * backing off up to the poll interval as the wait's timeout; in burst mode, once the queues are
 * empty and nothing is held, it stops the worker from a thread of its own.
 *
 * <p>When leasing fails it retries, backing off up to {@link #MAX_RETRY_WAIT} and logging the fault
 * once rather than per try ({@link RetryLog}). A {@link BrokerFatalException} (a corrupt or
 * replaced database), or in burst mode any {@link BrokerUnavailableException}, fails the worker
 * instead: it stops, and {@link Worker#failure()} says why.
 *
 * <h2>Leases it holds</h2>
 *
 * <ul>
 *   <li>It leases only the tasks the worker has registered ({@link LeaseRequest#tasks()}); should a
 *       broker hand it a job of another task anyway, it hands it back untouched and warns once per
 *       task name.
 *   <li>It stamps each assignment with its lease's expiry as the worker knows it (when the lease
 *       call was sent, on the worker's clock, plus the lease duration; the heartbeater moves it on
 *       each accepted heartbeat). A job whose lease has expired must not start: the inbox skips it,
 *       and so does the fetcher's own pass below.
 *   <li>Each pass it hands back, from the head of the inbox, jobs whose lease has expired and jobs
 *       that waited longer than {@link #HAND_BACK_AFTER} while every member was busy, so that a
 *       short job never waits behind long ones while other workers are idle. After such a hand-back
 *       it leases only for free members (no prefetch) until the next job ends, so that it does not
 *       lease the same jobs again at once.
 *   <li>About every poll interval it tells the broker which jobs started ({@link
 *       Broker#markStarted}), leaving out those already finished (their outcome says so): one call
 *       per interval at most, none per job.
 * </ul>
 */
final class Fetcher {
  // The worker's logger, so these lines read as the worker's, as they always have.
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final int MAX_LEASE_BATCH = 512;

  /** The smallest room a pool member leases for ({@link #fillHere}). */
  private static final int MEMBER_BATCH = 64;

  private static final long TARGET_WAIT_NANOS = WorkerConfig.DEFAULT_PREFETCH_WAIT.toNanos();
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(5);

  /**
   * A leased job that waited this long in the inbox while every member was busy is handed back. Not
   * the prefetch's 20 ms wait target: below a second, leasing the job again would cost more than
   * its wait, and a steady stream of medium jobs would churn.
   */
  static final Duration HAND_BACK_AFTER = Duration.ofSeconds(1);

  /** Why jobs whose lease expired in the inbox are handed back (logged as a warning). */
  static final String EXPIRED_BEFORE_START =
      "whose leases expired before they could start (was this process stopped or starved?)";

  /**
   * What the fetcher needs of its worker, and all it is told of it: one narrow callback, as
   * HikariCP's {@code ConcurrentBag} calls back through one listener.
   */
  interface Host {
    /** True while the worker runs; the fetcher stops once it is not. */
    boolean isRunning();

    /** {@code leases} were just leased (before their jobs reach the inbox). */
    default void leased(List<Lease> leases) {}

    /** Takes {@code assignments} out of the worker and releases their leases. */
    void handBack(List<Assignment> assignments, String why);

    /**
     * Burst mode: the queues are empty and nothing is held; stop the worker (not on this thread).
     */
    void drained();

    /** The broker cannot be used any more ({@code cause}); stop the worker (not on this thread). */
    void failed(RuntimeException cause);
  }

  private final Broker broker;
  private final WorkerConfig config;
  private final TaskRegistry registry;
  private final Inbox inbox;
  private final HeldLeases held;
  private final Assignment.ProgressSink progressSink;
  private final Host host;
  private final InstantSource clock;
  private final WorkerTime time;
  private final WorkerTime.Timer timer;
  private final RetryLog retries;
  private final Thread thread;
  private final Set<String> warnedTasks = ConcurrentHashMap.newKeySet();
  private volatile boolean waiting;

  /** Held by whoever leases: the fetcher thread or, with caller-runs leasing, a pool member. */
  private final ReentrantLock leasing = new ReentrantLock();

  /** True if the broker's calls are cheap enough for pool members to lease ({@link #fillHere}). */
  private final boolean callerRuns;

  /**
   * True while pool members lease for themselves: set by the fetcher thread when it leased jobs
   * (and the broker allows it), cleared when a member's lease came back empty or failed.
   */
  private volatile boolean membersLease;

  /**
   * The tasks the worker can run, written once by {@link #start} before any lease and read by
   * whoever leases (the fetcher thread, or a member that saw {@link #membersLease} set after it).
   */
  private Set<String> tasks = Set.of();

  /** True after a hand-back of jobs that waited too long, until a job ends: no prefetch. */
  private volatile boolean holdBackPrefetch;

  /** True once a hand-back of jobs that waited too long was logged at info; fetcher only. */
  private boolean toldOfWaits;

  /** When starts were last reported, in {@link WorkerTime#nanoTime()}; fetcher thread only. */
  private long lastStartReportNanos;

  /**
   * Exponentially weighted mean run time of recent jobs, in nanoseconds; written by whoever records
   * a batch ({@link #ran}), racy by design.
   */
  private volatile double meanRunNanos = -1;

  /** The prefetch for {@link #meanRunNanos}, computed when it changes; racy by design. */
  private volatile int prefetch;

  /**
   * @param registry the tasks it leases (read when it starts)
   * @param inbox where leased jobs go to wait for a member
   * @param held the worker's held leases, which the fetcher adds each leased job to
   * @param progressSink where the jobs it makes send their progress and log lines
   * @param host the worker
   * @param time its clock, and the timer its back-offs wait on (the fetcher's own; it closes it)
   */
  Fetcher(
      Broker broker,
      WorkerConfig config,
      TaskRegistry registry,
      Inbox inbox,
      HeldLeases held,
      Assignment.ProgressSink progressSink,
      Host host,
      WorkerTime time) {
    this.broker = broker;
    this.config = config;
    this.registry = registry;
    this.inbox = inbox;
    this.held = held;
    this.progressSink = progressSink;
    this.host = host;
    this.time = time;
    this.clock = time.clock();
    this.timer = time.timer("semafor-fetcher-timer");
    this.retries =
        new RetryLog(
            log,
            "worker " + config.workerId() + ": fetching",
            config.pollInterval(),
            MAX_RETRY_WAIT,
            time::nanoTime);
    this.thread = Thread.ofPlatform().name("semafor-fetcher").daemon(true).unstarted(this::fetch);
    this.callerRuns = broker.inProcess();
    this.prefetch = prefetchFor(-1);
  }

  void start() {
    tasks = Set.copyOf(registry.names());
    if (tasks.isEmpty()) {
      log.warn("worker {}: no tasks are registered, so it leases no jobs", config.workerId());
    }
    thread.start();
  }

  /**
   * Stops the fetcher thread and waits for it to end (unless called on it). The worker's state must
   * no longer be {@code RUNNING}.
   */
  @SuppressWarnings("ReferenceEquality") // is this the fetcher thread itself?
  void stop() throws InterruptedException {
    thread.interrupt();
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread && thread.getState() != Thread.State.NEW) {
      thread.join();
    }
    // A member's lease in flight ends before this returns; later ones see the worker stopped.
    membersLease = false;
    leasing.lock();
    leasing.unlock();
    timer.close();
  }

  /** Wakes the fetcher if it is waiting for room and there now is enough. Cheap when it is not. */
  void wake() {
    if (waiting && roomToFill()) {
      LockSupport.unpark(thread);
    }
  }

  /** Wakes the fetcher whatever it waits for, say from backing off on empty queues. */
  void unpark() {
    LockSupport.unpark(thread);
  }

  /**
   * Folds the run times of a batch of recorded attempts into the mean that sizes the prefetch: one
   * write of the mean and the prefetch for the batch, not a shared write per job that every
   * member's look for room ({@link #fillHere}) then reads from the other core.
   */
  void ran(List<Assignment> recorded) {
    if (recorded.isEmpty()) {
      return;
    }
    if (holdBackPrefetch) {
      holdBackPrefetch = false;
    }
    double mean = meanRunNanos;
    for (int i = 0; i < recorded.size(); i++) {
      long nanos = recorded.get(i).ranNanos();
      mean = mean < 0 ? nanos : mean + (nanos - mean) * 0.05;
    }
    meanRunNanos = mean;
    prefetch = prefetchFor(mean);
  }

  private void fetch() {
    long idleNanos = 0;
    while (host.isRunning()) {
      try {
        handBackWaiting();
        reportStarts();
        int want = wanted();
        if (want <= 0 || (want < refillBatch() && held.size() >= config.concurrency())) {
          waitForRoom();
          continue;
        }
        boolean got;
        leasing.lock();
        try {
          // Members may have filled meanwhile: what to lease is decided under the lock.
          if (!roomToFill() || !host.isRunning()) {
            continue;
          }
          got = leaseBatch(wanted());
        } finally {
          leasing.unlock();
        }
        retries.succeeded();
        if (got) {
          idleNanos = 0;
          continue;
        }
        if (config.burst() && held.isEmpty()) {
          log.info("worker {}: queues are empty, stopping (burst mode)", config.workerId());
          host.drained();
          return;
        }
        idleNanos =
            idleNanos == 0 ? 1_000_000 : Math.min(idleNanos * 2, config.pollInterval().toNanos());
        idle(idleNanos);
      } catch (Throwable t) {
        if (!host.isRunning()) {
          return;
        }
        if (t instanceof BrokerFatalException
            || (config.burst() && t instanceof BrokerUnavailableException)) {
          host.failed((RuntimeException) t);
          return;
        }
        timer.park(this, Duration.ofNanos(retries.failed(t)));
      }
    }
  }

  /**
   * One lease call for up to {@code want} jobs, its jobs put in the inbox; true if it got any the
   * worker can run. Called with {@link #leasing} held, by the fetcher thread or a pool member.
   */
  private boolean leaseBatch(int want) {
    long sentMillis = clock.millis();
    List<Lease> leases =
        tasks.isEmpty()
            ? List.of()
            : broker.lease(
                new LeaseRequest(
                    config.queues(),
                    Math.min(want, MAX_LEASE_BATCH),
                    config.workerId(),
                    config.leaseDuration(),
                    tasks));
    return !leases.isEmpty() && accept(leases, sentMillis);
  }

  /**
   * Caller-runs leasing: a pool member that has just ended a job (and maybe written outcomes, which
   * frees room) leases the next batch itself when there is room to fill, instead of waking the
   * fetcher thread — for a broker whose calls cost no more than that hand-off ({@link
   * Broker#inProcess}). Returns at once if another thread leases now: that one looks for room again
   * after it lets go, so no room is left unfilled. An empty lease or a failure hands the work back
   * to the fetcher thread (which backs off, polls and logs) until it leases jobs again.
   */
  void fillHere() {
    if (!membersLease) {
      wake();
      return;
    }
    while (roomForMember() && leasing.tryLock()) {
      boolean got;
      try {
        if (!host.isRunning()) {
          return;
        }
        int want = wanted();
        got = want > 0 && leaseBatch(want);
        if (!got && want > 0) {
          membersLease = false;
          LockSupport.unpark(thread);
        }
      } catch (RuntimeException e) {
        membersLease = false;
        LockSupport.unpark(thread); // it leases again, backing off and logging as it does
        return;
      } finally {
        leasing.unlock();
      }
      if (!got) {
        return;
      }
    }
  }

  /**
   * Waits after an empty lease: for the broker to signal work ({@link Broker#awaitWork}), with the
   * back-off as the timeout, so that an idle worker wakes as soon as a job arrives and still polls
   * when a signal is missed. An interrupt ({@link #stop}) ends the wait. In burst mode it parks
   * instead, since the worker's {@link #unpark} (nothing is held any more: stop now) must end it.
   */
  private void idle(long nanos) throws InterruptedException {
    if (config.burst()) {
      timer.park(this, Duration.ofNanos(nanos));
    } else {
      broker.awaitWork(config.queues(), Duration.ofNanos(nanos));
    }
  }

  /** How many more jobs to lease now: free members plus the prefetch, less what is held. */
  private int wanted() {
    return config.concurrency() + (holdBackPrefetch ? 0 : prefetch()) - held.size();
  }

  /**
   * Refills wait until this many slots are free (or a member would otherwise idle), so that a
   * stream of short jobs is leased in batches rather than one wake-up per job.
   */
  private int refillBatch() {
    return Math.max(1, (prefetch() + 1) / 2);
  }

  private int prefetch() {
    return prefetch;
  }

  private int prefetchFor(double mean) {
    if (mean <= 0) {
      return config.prefetch();
    }
    double byTime = TARGET_WAIT_NANOS * (double) config.concurrency() / Math.max(mean, 1.0);
    return (int) Math.max(config.prefetch(), Math.min(config.maxPrefetch(), byTime));
  }

  /**
   * Puts leased jobs in the inbox; hands back at once those of a task the worker does not have.
   * Returns false if there were only such jobs (the caller then backs off as on empty queues).
   */
  private boolean accept(List<Lease> leases, long sentMillis) {
    long now = time.nanoTime();
    long validUntil = sentMillis + config.leaseDuration().toMillis();
    // The batch as an array the inbox takes a view of: no list to grow (a job of a task the worker
    // does not have is rare; only then is a second list made).
    Assignment[] all = new Assignment[leases.size()];
    // What the batch's jobs share: one object, not three fields in each.
    List<Assignment> unknown =
        assign(leases, all, new Assignment.Leased(progressSink, now, sentMillis), validUntil);
    held.addAll(all);
    List<Assignment> batch = Arrays.asList(all);
    if (!unknown.isEmpty()) {
      batch = new ArrayList<>(all.length - unknown.size());
      for (Assignment a : all) {
        if (a.definition() != null) {
          batch.add(a);
        }
      }
    }
    host.leased(leases);
    if (callerRuns && !batch.isEmpty() && host.isRunning()) {
      // Before the members see these jobs: the member that ends one may lease the next batch.
      membersLease = true;
    }
    inbox.addAll(batch);
    if (!unknown.isEmpty()) {
      for (Assignment a : unknown) {
        if (warnedTasks.add(a.task())) {
          log.warn(
              "worker {}: {} gave it job {} of task '{}', which this worker does not have; handing"
                  + " such jobs back untouched for a worker that has it",
              config.workerId(),
              broker.describe(),
              a.jobId(),
              a.task());
        }
      }
      host.handBack(unknown, "of a task this worker does not have");
    }
    return !batch.isEmpty();
  }

  /**
   * Makes the assignments of {@code leases} into {@code all}, sharing {@code shared}, each valid
   * until {@code validUntil}, with its task's definition; returns those of a task the worker does
   * not have. The loop apart from {@link #accept}: a small method the JIT compiles early.
   */
  @SuppressWarnings("StringEquality") // the same string usually; equals() decides the others
  private List<Assignment> assign(
      List<Lease> leases, Assignment[] all, Assignment.Leased shared, long validUntil) {
    List<Assignment> unknown = List.of();
    // Each job's task is looked up once, here; a batch is mostly of one task, and the same string.
    String lastTask = null;
    TaskDefinition<?, ?> lastDefinition = null;
    for (int i = 0; i < all.length; i++) {
      Lease lease = leases.get(i);
      Assignment a = new Assignment(lease, shared, validUntil);
      all[i] = a;
      String task = lease.task();
      if (task != lastTask) { // the same string, usually: then no compare and no lookup
        lastDefinition = definitionOf(task, lastTask, lastDefinition);
        lastTask = task;
      }
      if (lastDefinition != null) {
        a.definition(lastDefinition);
      } else {
        if (unknown.isEmpty()) {
          unknown = new ArrayList<>();
        }
        unknown.add(a);
      }
    }
    return unknown;
  }

  /**
   * The definition of {@code task}, which follows a job of {@code lastTask} (defined by {@code
   * lastDefinition}) in a batch; null if the worker does not have it. Apart from {@link #accept}'s
   * loop: only a batch's first job and a change of task get here.
   */
  private TaskDefinition<?, ?> definitionOf(
      String task, String lastTask, TaskDefinition<?, ?> lastDefinition) {
    if (task.equals(lastTask)) {
      return lastDefinition;
    }
    return tasks.contains(task) ? registry.find(task).orElse(null) : null;
  }

  /**
   * Hands back, from the head of the inbox, jobs whose lease has expired and jobs that waited
   * longer than {@link #HAND_BACK_AFTER} while every member was busy.
   */
  private void handBackWaiting() {
    Assignment head = inbox.peek();
    if (head == null || head.isPoison()) {
      return;
    }
    long now = clock.millis();
    long bound = HAND_BACK_AFTER.toMillis();
    if (head.leaseExpired(now)) {
      List<Assignment> expired = new ArrayList<>();
      inbox.drainWhile(a -> a.leaseExpired(now), expired);
      if (!expired.isEmpty()) {
        log.warn(
            "worker {}: handing back {} jobs {}",
            config.workerId(),
            expired.size(),
            EXPIRED_BEFORE_START);
        host.handBack(expired, EXPIRED_BEFORE_START);
      }
    } else if (now - head.leasedAtMillis() >= bound && membersBusy()) {
      List<Assignment> waited = new ArrayList<>();
      inbox.drainWhile(a -> now - a.leasedAtMillis() >= bound, waited);
      if (!waited.isEmpty()) {
        holdBackPrefetch = true;
        if (toldOfWaits) {
          log.debug(
              "worker {}: handing back {} leased jobs that waited over {} ms behind running ones",
              config.workerId(),
              waited.size(),
              bound);
        } else {
          toldOfWaits = true;
          log.info(
              "worker {}: handing back {} leased jobs that waited over {} ms behind running ones,"
                  + " for an idle worker to take (said once; later ones are logged at debug)",
              config.workerId(),
              waited.size(),
              bound);
        }
        host.handBack(waited, "that waited too long");
      }
    }
  }

  /** True if no pool member is free: the jobs held but not waiting fill the concurrency. */
  private boolean membersBusy() {
    return held.size() - inbox.size() >= config.concurrency();
  }

  /** Tells the broker, at most once a poll interval, which held jobs started and still run. */
  private void reportStarts() {
    long now = time.nanoTime();
    if (now - lastStartReportNanos < config.pollInterval().toNanos()) {
      return;
    }
    lastStartReportNanos = now;
    List<Assignment> started = held.startedUnreported();
    if (started.isEmpty()) {
      return;
    }
    List<LeaseRef> refs = new ArrayList<>(started.size());
    for (Assignment a : started) {
      refs.add(a.ref());
    }
    try {
      broker.markStarted(refs);
      for (Assignment a : started) {
        a.startReported(true);
      }
    } catch (RuntimeException e) {
      log.debug("worker {}: could not report started jobs: {}", config.workerId(), e.toString());
    }
  }

  /**
   * Room for a member to fill: as for the fetcher thread, but from {@link #MEMBER_BATCH} free slots
   * on (if the prefetch is larger). A member's lease costs no wake-up, and small batches leased
   * early keep the inbox from running dry under the other members while one leases.
   */
  private boolean roomForMember() {
    int want = wanted();
    return want >= Math.min(MEMBER_BATCH, refillBatch())
        || (want > 0 && held.size() < config.concurrency());
  }

  private boolean roomToFill() {
    int want = wanted();
    return want >= refillBatch() || (want > 0 && held.size() < config.concurrency());
  }

  private void waitForRoom() {
    waiting = true;
    try {
      if (!roomToFill() && host.isRunning()) {
        LockSupport.parkNanos(this, config.pollInterval().toNanos());
      }
    } finally {
      waiting = false;
    }
  }
}
