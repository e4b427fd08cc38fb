package dev.semafor.worker;

import dev.semafor.JobError;
import dev.semafor.JobTimeoutException;
import dev.semafor.process.ProcessPool;

/** Creates the pool for a worker's execution model: the one way to run each kind of pool. */
public final class Pools {
  private Pools() {}

  public static ExecutionPool create(WorkerConfig config, JobExecutor executor) {
    String prefix = "semafor";
    return switch (config.model()) {
      case SEQUENTIAL -> new LoopPool(config.model(), 1, executor, prefix);
      case THREADS -> new LoopPool(config.model(), config.concurrency(), executor, prefix);
      case VIRTUAL -> new VirtualPool(config.concurrency(), executor, prefix);
      case PROCESSES ->
          ProcessPool.builder()
              .size(config.concurrency())
              .maxJobsPerChild(config.maxJobsPerChild())
              .jvmOptions(
                  config.childJvmOptions().isEmpty()
                      ? ProcessPool.DEFAULT_JVM_OPTIONS
                      : config.childJvmOptions())
              .extraClasspath(config.childClasspath())
              .warmUps(config.childWarmUps())
              .expectedTasks(executor.registry().names())
              .build();
    };
  }

  /**
   * Runs one assignment on the calling thread (the in-process pools' member body): marks it
   * started, skips it if it was cancelled while it waited, and never throws.
   */
  static Outcome runHere(JobExecutor executor, Assignment a) {
    a.runner(Thread.currentThread());
    try {
      if (a.isCancelled()) {
        return new Outcome.Cancelled("cancelled before it started");
      }
      Outcome outcome = executor.execute(a.task(), a.lease().job().input(), a);
      if (a.isTimedOut() && !(outcome instanceof Outcome.Succeeded)) {
        JobTimeoutException e = new JobTimeoutException(a.jobId(), a.timeLimit());
        return new Outcome.Failed(JobError.of(e), true);
      }
      return outcome;
    } catch (RuntimeException | Error e) {
      return new Outcome.Failed(JobError.of(e), true);
    } finally {
      a.runner(null);
    }
  }
}
