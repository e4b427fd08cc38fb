package dev.semafor.worker;

import dev.semafor.ExecutionModel;
import dev.semafor.JobError;
import dev.semafor.JobTimeoutException;
import dev.semafor.TaskDefinition;
import java.util.ServiceLoader;

/**
 * Creates the pool for a worker's execution model: the one way to run each kind of pool. The
 * in-process pools are this package's; the process pool plugs in as an {@link
 * ExecutionPool.Provider} (found with {@link ServiceLoader}), so that this package does not depend
 * on the one that runs child JVMs, which depends on it.
 */
final class Pools {
  private Pools() {}

  static ExecutionPool create(WorkerConfig config, JobExecutor executor) {
    String prefix = "semafor";
    return switch (config.model()) {
      case SEQUENTIAL -> new LoopPool(config.model(), 1, executor, prefix);
      case THREADS -> new LoopPool(config.model(), config.concurrency(), executor, prefix);
      case VIRTUAL -> new VirtualPool(config.concurrency(), executor, prefix);
      case PROCESSES -> provided(config.model()).create(config, executor);
    };
  }

  /** The provider of {@code model}'s pool on this class path. */
  private static ExecutionPool.Provider provided(ExecutionModel model) {
    for (ExecutionPool.Provider p :
        ServiceLoader.load(ExecutionPool.Provider.class, Pools.class.getClassLoader())) {
      if (p.model() == model) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no pool for the "
            + model.label()
            + " model is on the class path (its provider is registered in"
            + " META-INF/services/"
            + ExecutionPool.Provider.class.getName()
            + ")");
  }

  /**
   * Runs one assignment on the calling thread (the in-process pools' member body): marks it
   * started, skips it if it was cancelled while it waited, and never throws. An attempt that went
   * over its time limit is a timeout whatever the task returned: the worker may have recorded it as
   * one already. On return no cancellation or timeout of this assignment can interrupt the thread
   * any more, and a stale interrupt is cleared.
   */
  static Outcome runHere(JobExecutor executor, Assignment a) {
    a.runner(Thread.currentThread());
    try {
      if (a.isCancelled()) {
        return new Outcome.Cancelled("cancelled before it started");
      }
      TaskDefinition<?, ?> definition = a.definition();
      Outcome outcome =
          definition != null
              ? executor.execute(definition, a.lease().input(), a.context())
              : executor.execute(a.task(), a.lease().input(), a.context());
      return a.isTimedOut() ? timedOut(a) : outcome;
    } catch (RuntimeException | Error e) {
      return a.isTimedOut() ? timedOut(a) : new Outcome.Failed(JobError.of(e), true);
    } finally {
      a.runner(null);
      Thread.interrupted();
    }
  }

  /** The outcome of an attempt that went over its time limit. */
  static Outcome timedOut(Assignment a) {
    return new Outcome.Failed(JobError.of(new JobTimeoutException(a.jobId(), a.timeLimit())), true);
  }
}
