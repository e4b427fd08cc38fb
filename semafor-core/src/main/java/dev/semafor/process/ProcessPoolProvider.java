package dev.semafor.process;

import dev.semafor.ExecutionModel;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.ExecutionPool;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.WorkerConfig;

/**
 * The process pool of a worker of the {@code processes} model, as the worker finds it (a service,
 * registered in {@code META-INF/services}). Public only because {@link java.util.ServiceLoader}
 * needs it to be; not for applications, which set the model in their {@link WorkerConfig}.
 */
public final class ProcessPoolProvider implements ExecutionPool.Provider {
  @Override
  public ExecutionModel model() {
    return ExecutionModel.PROCESSES;
  }

  @Override
  public ExecutionPool create(WorkerConfig config, JobExecutor executor) {
    return ProcessPool.builder()
        .size(config.concurrency())
        .maxJobsPerChild(config.maxJobsPerChild())
        .jvmOptions(
            config.childJvmOptions().isEmpty()
                ? ChildJvmOptions.DEFAULTS
                : config.childJvmOptions())
        .extraClasspath(config.childClasspath())
        .warmUps(config.childWarmUps())
        .expectedTasks(executor.registry().names())
        .build();
  }
}
