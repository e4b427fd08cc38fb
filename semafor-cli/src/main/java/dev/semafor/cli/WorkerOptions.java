package dev.semafor.cli;

import dev.semafor.ExecutionModel;
import dev.semafor.worker.WorkerConfig;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --concurrency}, shared by the commands that run a worker. */
final class WorkerOptions {
  @Option(
      names = {"-m", "--model"},
      paramLabel = "MODEL",
      converter = ModelConverter.class,
      description =
          "Execution model: sequential, threads, virtual or processes (default: threads).")
  ExecutionModel model = ExecutionModel.THREADS;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description =
          "Jobs at once (default: the number of cores for threads and processes,"
              + " 100 for virtual, 1 for sequential).")
  Integer concurrency;

  /** A builder with the model and, if given, the concurrency set. */
  WorkerConfig.Builder builder() {
    WorkerConfig.Builder b = WorkerConfig.builder().model(model);
    if (concurrency != null) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("--concurrency must be at least 1: " + concurrency);
      }
      b.concurrency(concurrency);
    }
    return b;
  }
}
