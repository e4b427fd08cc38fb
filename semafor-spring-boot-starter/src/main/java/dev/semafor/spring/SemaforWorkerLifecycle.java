package dev.semafor.spring;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.schedule.Schedule;
import dev.semafor.server.metrics.WorkerMetrics;
import dev.semafor.spi.Broker;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's {@link Worker}: started when the context has started (after every
 * singleton, so every task is registered), stopped when it closes, inside Spring's graceful
 * shutdown.
 *
 * <h2>Phase</h2>
 *
 * {@link #PHASE} is below the web server's phases, so the worker starts before the server takes
 * requests and stops after the server has stopped taking them: requests in flight may still
 * enqueue, and the worker then hands every job it has leased but not started back to the broker,
 * lets running jobs finish within {@code semafor.worker.shutdown-grace}, and leaves none {@code
 * RUNNING}. {@link #stop(Runnable)} does that on its own thread, so other beans of the same phase
 * stop at the same time; Spring waits for it up to {@code
 * spring.lifecycle.timeout-per-shutdown-phase}, which should be longer than the grace; if it is
 * not, {@link #destroy} still waits for the worker before the broker is closed.
 *
 * <p>A stopped context that is started again gets a new worker.
 */
public final class SemaforWorkerLifecycle implements SmartLifecycle, DisposableBean {
  /** Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and start/stop. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Broker broker;
  private final TaskRegistry registry;
  private final WorkerConfig config;
  private final WorkerMetrics metrics;
  private final Supplier<List<Schedule>> schedules;
  private volatile Worker worker;

  /** The last worker started: {@link #destroy} waits for it even if it is still stopping. */
  private volatile Worker last;

  SemaforWorkerLifecycle(
      Broker broker,
      TaskRegistry registry,
      WorkerConfig config,
      WorkerMetrics metrics,
      Supplier<List<Schedule>> schedules) {
    this.broker = broker;
    this.registry = registry;
    this.config = config;
    this.metrics = metrics;
    this.schedules = schedules;
  }

  /** The running worker, or null before start and after stop. */
  public Worker worker() {
    return worker;
  }

  /** The configuration the worker runs (or will run) with. */
  public WorkerConfig config() {
    return config;
  }

  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    WorkerListener listener = metrics != null ? metrics : WorkerListener.NONE;
    Worker w =
        new Worker(broker, registry, config, Json.defaults(), InstantSource.system(), listener);
    for (Schedule s : schedules.get()) {
      w.schedule(s);
    }
    if (metrics != null) {
      metrics.watch(w);
    }
    worker = w.start();
    last = w;
  }

  @Override
  public void stop() {
    Worker w = take();
    if (w != null) {
      w.close();
    }
  }

  @Override
  public void stop(Runnable callback) {
    Worker w = take();
    if (w == null) {
      callback.run();
      return;
    }
    Thread.ofPlatform()
        .name("semafor-worker-stop")
        .start(
            () -> {
              try {
                w.close();
              } finally {
                callback.run();
              }
            });
  }

  private synchronized Worker take() {
    Worker w = worker;
    worker = null;
    return w;
  }

  /**
   * Waits until the worker has stopped. If Spring's shutdown phase timed out before it did, this
   * holds the context's destruction (and so the broker's close, which comes after this bean's)
   * until the worker has handed every job back.
   */
  @Override
  public void destroy() {
    Worker w = last;
    if (w != null) {
      w.close();
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
