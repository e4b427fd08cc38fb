package dev.semafor.worker;

import dev.semafor.spi.Broker;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseStatus;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's leases alive and its jobs in touch with the broker, on one timer thread:
 *
 * <ul>
 *   <li>Every <b>heartbeat interval</b> it extends the lease of every job the worker holds, passes
 *       lost leases (and cancellations) to the jobs concerned, reaps expired leases left by workers
 *       that died, and — if the worker has a retention — prunes old finished jobs now and then.
 *   <li>Every <b>progress interval</b> (about a second) it writes the latest progress report of
 *       each job that sent one (so a chatty task costs at most one write per job per interval), the
 *       log lines jobs wrote since (one write for all of them, {@link LogShipper}), and asks the
 *       broker which of its jobs were cancelled (one cheap read), so that a running job sees a
 *       cancellation within about a second, not at the next heartbeat.
 * </ul>
 *
 * <p>Nothing slow runs on the timer thread: pruning, which deletes in chunks and may take a while
 * on a large store, runs on a thread of its own (one prune at a time), so it never delays a lease
 * extension. Cancelling a job in a worker process does not write to the child here either (see
 * {@code Flight#cancel}).
 */
final class Heartbeater {
  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);

  /** What the heartbeater tells its worker. */
  @FunctionalInterface
  interface Listener {
    /** A held job's lease is lost, or its job was cancelled ({@code status} says which). */
    void leaseProblem(Assignment a, LeaseStatus status);

    /** It reaped {@code count} expired leases other workers left. */
    default void reaped(int count) {}
  }

  private record Progress(double fraction, String message) {}

  private final Broker broker;
  private final WorkerConfig config;
  private final InstantSource clock;
  private final WorkerTime time;
  private final HeldLeases held;
  private final Listener listener;
  private final Map<Assignment, Progress> pendingProgress = new ConcurrentHashMap<>();
  private final LogShipper logs;
  private final WorkerTime.Timer timer;

  /**
   * Failures that last (a full disk) are logged once, not at every beat; the timer sets the pace.
   */
  private final RetryLog beatFailures = retryLog("heartbeat");

  private final RetryLog checkInFailures = retryLog("progress and cancellation check");

  /** Runs prunes, one at a time, off the timer thread. */
  private final ExecutorService pruner;

  /** True while a prune is queued or running; the next one waits for it. */
  private final AtomicBoolean pruning = new AtomicBoolean();

  /**
   * When the last prune ran, in {@link WorkerTime#nanoTime()}; only the timer thread touches it.
   */
  private long lastPruneNanos;

  /**
   * False once the broker said it cannot list cancel requests; only the timer thread touches it.
   */
  private boolean pollCancels = true;

  /**
   * @param held the worker's held leases, which it extends
   * @param time its clock, and its timer (its own; {@link #stop} closes it)
   */
  Heartbeater(
      Broker broker,
      WorkerConfig config,
      HeldLeases held,
      Listener listener,
      LogShipper logs,
      WorkerTime time) {
    this.logs = logs;
    this.broker = broker;
    this.listener = listener;
    this.config = config;
    this.time = time;
    this.clock = time.clock();
    this.held = held;
    this.timer = time.timer("semafor-heartbeat");
    this.pruner =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("semafor-prune").daemon(true).factory());
  }

  void start() {
    timer.repeat(this::beat, config.heartbeatInterval());
    timer.repeat(this::checkIn, config.progressInterval());
  }

  void stop() {
    timer.close();
    pruner.shutdownNow();
  }

  /** Keeps the latest progress of a job; written within a progress interval. */
  void progress(Assignment a, double fraction, String message) {
    pendingProgress.put(a, new Progress(fraction, message));
  }

  /** One heartbeat (the timer runs it every heartbeat interval; tests may call it). */
  void beat() {
    try {
      List<Assignment> assignments = held.snapshot();
      if (!assignments.isEmpty()) {
        List<LeaseRef> refs = new ArrayList<>(assignments.size());
        for (Assignment a : assignments) {
          refs.add(a.ref());
        }
        long sentMillis = clock.millis();
        List<LeaseStatus> statuses = broker.heartbeat(refs, config.leaseDuration());
        long leaseMillis = config.leaseDuration().toMillis();
        for (int i = 0; i < statuses.size(); i++) {
          if (statuses.get(i) != LeaseStatus.LOST) {
            // The worker's own idea of the expiry, which a job must be within to start.
            assignments.get(i).extended(sentMillis, leaseMillis);
          }
          if (statuses.get(i) != LeaseStatus.ACTIVE) {
            listener.leaseProblem(assignments.get(i), statuses.get(i));
          }
        }
      }
      int reaped = broker.reapExpiredLeases();
      if (reaped > 0) {
        log.info("reaped {} expired leases", reaped);
        listener.reaped(reaped);
      }
      pruneNowAndThen();
      beatFailures.succeeded();
    } catch (Throwable t) {
      beatFailures.failed(t);
    }
    try {
      broker.heartbeatWorker(config.workerId(), held.size());
    } catch (Throwable t) {
      log.debug("worker registry heartbeat failed: {}", t.toString());
    }
  }

  /** Logs a failure of {@code doing} once while it lasts; the timer, not the log, sets the pace. */
  private static RetryLog retryLog(String doing) {
    return new RetryLog(log, doing, Duration.ofSeconds(1), Duration.ofSeconds(1), System::nanoTime);
  }

  private void checkIn() {
    try {
      writeProgress();
      logs.shipAll();
      if (pollCancels && !held.isEmpty()) {
        Set<String> ids = new HashSet<>(broker.cancelRequested(config.workerId()));
        if (!ids.isEmpty()) {
          for (Assignment a : held.snapshot()) {
            if (ids.contains(a.jobId())) {
              listener.leaseProblem(a, LeaseStatus.CANCEL_REQUESTED);
            }
          }
        }
      }
      checkInFailures.succeeded();
    } catch (UnsupportedOperationException e) {
      pollCancels = false;
      log.info("{}; running jobs learn of cancellations at heartbeats", e.getMessage());
    } catch (Throwable t) {
      checkInFailures.failed(t);
    }
  }

  private void writeProgress() {
    for (Map.Entry<Assignment, Progress> e : List.copyOf(pendingProgress.entrySet())) {
      if (pendingProgress.remove(e.getKey(), e.getValue())) {
        broker.progress(e.getKey().ref(), e.getValue().fraction(), e.getValue().message());
      }
    }
  }

  /** Starts a prune on the prune thread if one is due and none is under way. */
  private void pruneNowAndThen() {
    if (config.retention() == null) {
      return;
    }
    long now = time.nanoTime();
    if (lastPruneNanos != 0 && now - lastPruneNanos < WorkerConfig.PRUNE_EVERY.toNanos()) {
      return;
    }
    if (!pruning.compareAndSet(false, true)) {
      return; // the last one is still running: a prune never queues behind another
    }
    lastPruneNanos = now;
    try {
      pruner.execute(this::prune);
    } catch (RejectedExecutionException e) {
      pruning.set(false); // stopped
    }
  }

  private void prune() {
    try {
      int pruned = broker.prune(config.retention());
      if (pruned > 0) {
        log.info(
            "pruned {} jobs that finished before {}",
            pruned,
            clock.instant().minus(config.retention()));
      }
    } catch (Throwable t) {
      log.warn("pruning failed, will retry: {}", t.toString());
    } finally {
      pruning.set(false);
    }
  }
}
