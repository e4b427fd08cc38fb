package dev.semafor.worker;

import dev.semafor.spi.Lease;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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

  private void call(String hook, Consumer<WorkerListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      if (warned.add(hook)) {
        log.warn("worker listener {} threw (ignored, logged once): {}", hook, e.toString());
      } else {
        log.debug("worker listener {} threw again: {}", hook, e.toString());
      }
    }
  }

  @Override
  public void onLeased(List<Lease> leases) {
    call("onLeased", l -> l.onLeased(leases));
  }

  @Override
  public void onStarted(Assignment assignment) {
    call("onStarted", l -> l.onStarted(assignment));
  }

  @Override
  public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
    call("onFinished", l -> l.onFinished(assignment, outcome, runNanos));
  }

  @Override
  public void onRecorded(Assignment assignment, Outcome outcome, Fate fate) {
    call("onRecorded", l -> l.onRecorded(assignment, outcome, fate));
  }

  @Override
  public void onLeasesReaped(int count) {
    call("onLeasesReaped", l -> l.onLeasesReaped(count));
  }

  @Override
  public void onLeaseLost(Assignment assignment) {
    call("onLeaseLost", l -> l.onLeaseLost(assignment));
  }
}
