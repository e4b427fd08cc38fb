package dev.semafor.worker;

import dev.semafor.spi.Lease;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WorkerListener} that cannot hurt the worker: an exception thrown by the listener it
 * wraps is logged and goes no further, so a faulty metrics hook neither kills a pool member nor
 * aborts the completer's batch nor loses a job. Each hook's first exception is a warning.
 */
final class GuardedListener implements WorkerListener {
  private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

  private final WorkerListener listener;

  private GuardedListener(WorkerListener listener) {
    this.listener = listener;
  }

  @SuppressWarnings("ReferenceEquality") // NONE needs no guard
  static WorkerListener wrap(WorkerListener listener) {
    return listener == NONE || listener instanceof GuardedListener
        ? listener
        : new GuardedListener(listener);
  }

  /** The hooks that threw already: each is logged as a warning once, then at debug level. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * Logs what the hook {@code hook} threw: the first time as a warning, later at debug level.
   *
   * <p>Each hook calls the listener itself in a try block rather than through a lambda: the hooks
   * run for every job, on the worker's threads, and a lambda would cost an allocation per call and
   * a class spun on each hook's first call, while the worker's first jobs run.
   */
  private void threw(String hook, RuntimeException e) {
    if (warned.add(hook)) {
      log.warn("worker listener {} threw (ignored, logged once): {}", hook, e.toString());
    } else {
      log.debug("worker listener {} threw again: {}", hook, e.toString());
    }
  }

  @Override
  public void onLeased(List<Lease> leases) {
    try {
      listener.onLeased(leases);
    } catch (RuntimeException e) {
      threw("onLeased", e);
    }
  }

  @Override
  public void onStarted(Assignment assignment) {
    try {
      listener.onStarted(assignment);
    } catch (RuntimeException e) {
      threw("onStarted", e);
    }
  }

  @Override
  public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
    try {
      listener.onFinished(assignment, outcome, runNanos);
    } catch (RuntimeException e) {
      threw("onFinished", e);
    }
  }

  @Override
  public void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {
    try {
      listener.onRecorded(assignment, outcome, fate);
    } catch (RuntimeException e) {
      threw("onRecorded", e);
    }
  }

  @Override
  public void onLeasesReaped(int count) {
    try {
      listener.onLeasesReaped(count);
    } catch (RuntimeException e) {
      threw("onLeasesReaped", e);
    }
  }

  @Override
  public void onLeaseLost(Assignment assignment) {
    try {
      listener.onLeaseLost(assignment);
    } catch (RuntimeException e) {
      threw("onLeaseLost", e);
    }
  }
}
