package dev.semafor.worker;

import dev.semafor.broker.Broker;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
 * recorded. On empty queues it backs off up to the poll interval; in burst mode, once the queues
 * are empty and nothing is held, it stops the worker from a thread of its own.
 */
final class Fetcher {
  // The worker's logger, so these lines read as the worker's, as they always have.
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final int MAX_LEASE_BATCH = 512;
  private static final long TARGET_WAIT_NANOS = WorkerConfig.DEFAULT_PREFETCH_WAIT.toNanos();

  private final Broker broker;
  private final WorkerConfig config;
  private final AtomicReference<Worker.State> state;
  private final Set<Assignment> held;
  private final Inbox inbox;
  private final Assignment.ProgressSink progressSink;
  private final WorkerListener listener;
  private final LongAdder leased;
  private final Runnable stopWorker;
  private final Thread thread;
  private volatile boolean waiting;

  /** Exponentially weighted mean run time of recent jobs, in nanoseconds; racy by design. */
  private volatile double meanRunNanos = -1;

  /** The lease calls' run of failures (a broker outage); only the fetcher thread touches it. */
  private final BrokerOutage outage;

  /**
   * @param state the worker's state; the fetcher runs while it is {@code RUNNING}
   * @param held the worker's held set, which the fetcher adds each leased job to
   * @param leased the worker's count of leased jobs
   * @param stopWorker closes the worker, in burst mode once the queues are empty
   */
  Fetcher(
      Broker broker,
      WorkerConfig config,
      AtomicReference<Worker.State> state,
      Set<Assignment> held,
      Inbox inbox,
      Assignment.ProgressSink progressSink,
      WorkerListener listener,
      LongAdder leased,
      Runnable stopWorker) {
    this.broker = broker;
    this.config = config;
    this.state = state;
    this.held = held;
    this.inbox = inbox;
    this.progressSink = progressSink;
    this.listener = listener;
    this.leased = leased;
    this.stopWorker = stopWorker;
    this.outage =
        new BrokerOutage(log, "worker " + config.workerId() + ": fetching", config.pollInterval());
    this.thread = Thread.ofPlatform().name("semafor-fetcher").daemon(true).unstarted(this::fetch);
  }

  void start() {
    thread.start();
  }

  /**
   * Stops the fetcher thread and waits for it to end (unless called on it). The worker's state must
   * no longer be {@code RUNNING}.
   */
  void stop() throws InterruptedException {
    thread.interrupt();
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread) {
      thread.join();
    }
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

  /** Folds the run time of a finished job into the mean that sizes the prefetch. */
  void ran(long nanos) {
    double mean = meanRunNanos;
    meanRunNanos = mean < 0 ? nanos : mean + (nanos - mean) * 0.05;
  }

  private void fetch() {
    long idleNanos = 0;
    while (state.get() == Worker.State.RUNNING) {
      try {
        int want = wanted();
        if (want <= 0 || (want < refillBatch() && held.size() >= config.concurrency())) {
          waitForRoom();
          continue;
        }
        List<Lease> leases =
            broker.lease(
                new LeaseRequest(
                    config.queues(),
                    Math.min(want, MAX_LEASE_BATCH),
                    config.workerId(),
                    config.leaseDuration()));
        outage.succeeded();
        if (!leases.isEmpty()) {
          idleNanos = 0;
          accept(leases);
          continue;
        }
        if (config.burst() && held.isEmpty()) {
          log.info("worker {}: queues are empty, stopping (burst mode)", config.workerId());
          Thread.ofPlatform().name("semafor-burst-stop").start(stopWorker);
          return;
        }
        idleNanos =
            idleNanos == 0 ? 1_000_000 : Math.min(idleNanos * 2, config.pollInterval().toNanos());
        LockSupport.parkNanos(this, idleNanos);
      } catch (Throwable t) {
        if (state.get() != Worker.State.RUNNING) {
          return;
        }
        LockSupport.parkNanos(this, outage.failed(t)); // told once per outage, pauses growing
      }
    }
  }

  /** How many more jobs to lease now: free members plus the prefetch, less what is held. */
  private int wanted() {
    return config.concurrency() + prefetch() - held.size();
  }

  /**
   * Refills wait until this many slots are free (or a member would otherwise idle), so that a
   * stream of short jobs is leased in batches rather than one wake-up per job.
   */
  private int refillBatch() {
    return Math.max(1, (prefetch() + 1) / 2);
  }

  private int prefetch() {
    double mean = meanRunNanos;
    if (mean <= 0) {
      return config.prefetch();
    }
    double byTime = TARGET_WAIT_NANOS * (double) config.concurrency() / Math.max(mean, 1.0);
    return (int) Math.max(config.prefetch(), Math.min(config.maxPrefetch(), byTime));
  }

  private void accept(List<Lease> leases) {
    leased.add(leases.size());
    long now = System.nanoTime();
    List<Assignment> batch = new ArrayList<>(leases.size());
    for (Lease lease : leases) {
      Assignment a = new Assignment(lease, progressSink, now);
      held.add(a);
      batch.add(a);
    }
    listener.onLeased(leases);
    inbox.addAll(batch);
  }

  private boolean roomToFill() {
    int want = wanted();
    return want >= refillBatch() || (want > 0 && held.size() < config.concurrency());
  }

  private void waitForRoom() {
    waiting = true;
    try {
      if (!roomToFill() && state.get() == Worker.State.RUNNING) {
        LockSupport.parkNanos(this, config.pollInterval().toNanos());
      }
    } finally {
      waiting = false;
    }
  }
}
