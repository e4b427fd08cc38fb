package dev.semafor.worker;

import dev.semafor.broker.Broker;
import dev.semafor.broker.LeaseRef;
import dev.semafor.broker.LeaseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's leases alive. Every heartbeat interval it extends the lease of every job the
 * worker holds, passes cancellation requests and lost leases to the jobs concerned, writes the
 * latest progress reports (so a chatty task costs at most one write per job per interval), and
 * reaps expired leases left by workers that died.
 */
final class Heartbeater {
  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);

  /** Told when a held job's lease is lost or its job was cancelled. */
  interface LeaseProblem {
    void report(Assignment a, LeaseStatus status);
  }

  private record Progress(double fraction, String message) {}

  private final Broker broker;
  private final WorkerConfig config;
  private final Map<String, Assignment> held;
  private final LeaseProblem problems;
  private final WorkerListener listener;
  private final Map<Assignment, Progress> pendingProgress = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  Heartbeater(
      Broker broker,
      WorkerConfig config,
      Map<String, Assignment> held,
      LeaseProblem problems,
      WorkerListener listener) {
    this.broker = broker;
    this.listener = listener;
    this.config = config;
    this.held = held;
    this.problems = problems;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("semafor-heartbeat").daemon(true).factory());
  }

  void start() {
    long every = config.heartbeatInterval().toMillis();
    timer.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  void stop() {
    timer.shutdownNow();
  }

  /** Keeps the latest progress of a job; written at the next beat. */
  void progress(Assignment a, double fraction, String message) {
    pendingProgress.put(a, new Progress(fraction, message));
  }

  private void beat() {
    try {
      writeProgress();
      List<Assignment> assignments = new ArrayList<>(held.values());
      if (!assignments.isEmpty()) {
        List<LeaseRef> refs = new ArrayList<>(assignments.size());
        for (Assignment a : assignments) {
          refs.add(a.ref());
        }
        List<LeaseStatus> statuses = broker.heartbeat(refs, config.leaseDuration());
        for (int i = 0; i < statuses.size(); i++) {
          if (statuses.get(i) != LeaseStatus.ACTIVE) {
            problems.report(assignments.get(i), statuses.get(i));
          }
        }
      }
      int reaped = broker.reapExpiredLeases();
      if (reaped > 0) {
        log.info("reaped {} expired leases", reaped);
        listener.onLeasesReaped(reaped);
      }
    } catch (Throwable t) {
      log.warn("heartbeat failed, will retry: {}", t.toString());
    }
    try {
      broker.heartbeatWorker(config.workerId(), held.size());
    } catch (Throwable t) {
      log.debug("worker registry heartbeat failed: {}", t.toString());
    }
  }

  private void writeProgress() {
    for (Map.Entry<Assignment, Progress> e : pendingProgress.entrySet()) {
      if (pendingProgress.remove(e.getKey(), e.getValue())) {
        broker.progress(e.getKey().ref(), e.getValue().fraction(), e.getValue().message());
      }
    }
  }
}
