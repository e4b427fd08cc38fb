package dev.semafor.cli;

import dev.semafor.ExecutionModel;
import dev.semafor.TaskRegistry;
import dev.semafor.UnknownTaskException;
import dev.semafor.server.InputCheck;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.WarmUpJob;
import dev.semafor.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --model}, {@code --concurrency} and the child-JVM flags of {@code --model processes},
 * shared by the commands that run a worker. The child-JVM flags with another model are an error
 * (exit code 2), not silently ignored: a worker that was asked to recycle its children or cap their
 * heap and cannot do so should say so before it starts.
 */
final class WorkerOptions {
  /** The most platform threads {@code --model threads} may ask for (each has its own stack). */
  static final int MAX_THREADS = 1_000;

  /** The most child JVMs {@code --model processes} may ask for (each has its own heap). */
  static final int MAX_PROCESSES = 256;

  /** The most jobs at once {@code --model virtual} may ask for. */
  static final int MAX_VIRTUAL = 100_000;

  /**
   * The largest {@code --concurrency} that can work with {@code model}: more platform threads or
   * child JVMs than this exhaust the machine (native threads, memory) long before they help.
   */
  static int maxConcurrency(ExecutionModel model) {
    return switch (model) {
      case SEQUENTIAL -> 1;
      case THREADS -> MAX_THREADS;
      case PROCESSES -> MAX_PROCESSES;
      case VIRTUAL -> MAX_VIRTUAL;
    };
  }

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
              + " 100 for virtual, 1 for sequential; at most 1,000 threads, 256 processes,"
              + " 100,000 virtual).")
  Integer concurrency;

  @Option(
      names = "--max-jobs-per-child",
      paramLabel = "N",
      description = "With --model processes: replace a child JVM after N jobs (default: 0, never).")
  Integer maxJobsPerChild;

  @Option(
      names = "--child-heap",
      paramLabel = "SIZE",
      description =
          "With --model processes: each child JVM's maximum heap, e.g. 512m or 2g (default: 256m;"
              + " becomes -Xmx).")
  String childHeap;

  @Option(
      names = "--child-jvm-option",
      paramLabel = "OPT",
      description =
          "With --model processes: a JVM option for the child JVMs, after the defaults"
              + " (-Xmx256m -XX:+UseSerialGC; a collector option replaces the default one),"
              + " e.g. --child-jvm-option=-XX:+UseG1GC (repeatable).")
  List<String> childJvmOptions = new ArrayList<>();

  @Option(
      names = "--child-warm-up",
      paramLabel = "TASK[=JSON]",
      description =
          "With --model processes: a job each child JVM runs before it takes work, its result"
              + " discarded, e.g. 'semafor.primes={\"n\":2}' (repeatable).")
  List<String> childWarmUps = new ArrayList<>();

  /**
   * A builder with the model and, if given, the concurrency and the child-JVM settings set. Each
   * flag is checked here, so a bad value is one line and exit code 2 before anything starts. A
   * warm-up must name a task that {@link TaskRegistry#discover(ClassLoader)} finds through the
   * thread's context class loader (the tasks the children will have) and its input must fit it.
   */
  WorkerConfig.Builder builder() {
    WorkerConfig.Builder b = WorkerConfig.builder().model(model);
    if (concurrency != null) {
      int max = maxConcurrency(model);
      if (concurrency < 1 || concurrency > max) {
        throw new IllegalArgumentException(
            "--concurrency must be between 1 and "
                + Output.count(max)
                + " with --model "
                + model.label()
                + ": "
                + concurrency);
      }
      b.concurrency(concurrency);
    }
    refuseChildFlagsUnlessProcesses();
    if (maxJobsPerChild != null) {
      if (maxJobsPerChild < 0) {
        throw new IllegalArgumentException(
            "--max-jobs-per-child must not be negative: " + maxJobsPerChild);
      }
      b.maxJobsPerChild(maxJobsPerChild);
    }
    if (childHeap != null || !childJvmOptions.isEmpty()) {
      b.childJvmOptions(childJvmOptions());
    }
    if (!childWarmUps.isEmpty()) {
      b.childWarmUps(warmUps());
    }
    return b;
  }

  /** The child JVM options the flags give: the defaults, then the user's (see ChildJvmOptions). */
  private List<String> childJvmOptions() {
    if (childHeap != null) {
      try {
        ChildJvmOptions.heapOption(childHeap);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--child-heap: " + e.getMessage(), e);
      }
    }
    try {
      return ChildJvmOptions.of(childHeap, childJvmOptions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--child-jvm-option: " + e.getMessage(), e);
    }
  }

  /** The {@code --child-warm-up} jobs, each checked against the tasks the children will find. */
  List<WarmUpJob> warmUps() {
    List<WarmUpJob> jobs = new ArrayList<>();
    TaskRegistry registry = null;
    for (String spec : childWarmUps) {
      int eq = spec.indexOf('=');
      String task = (eq < 0 ? spec : spec.substring(0, eq)).trim();
      if (task.isEmpty()) {
        throw new IllegalArgumentException(
            "--child-warm-up '" + spec + "' names no task: expected TASK or TASK=JSON");
      }
      if (registry == null) {
        registry = TaskRegistry.discover(Thread.currentThread().getContextClassLoader());
      }
      String input;
      try {
        input =
            InputCheck.check(
                registry.require(task), eq < 0 ? null : spec.substring(eq + 1), "its input");
      } catch (UnknownTaskException e) {
        throw new IllegalArgumentException("--child-warm-up: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--child-warm-up " + task + ": " + e.getMessage(), e);
      }
      jobs.add(new WarmUpJob(task, input));
    }
    return jobs;
  }

  private void refuseChildFlagsUnlessProcesses() {
    if (model == ExecutionModel.PROCESSES) {
      return;
    }
    String flag =
        maxJobsPerChild != null
            ? "--max-jobs-per-child"
            : childHeap != null
                ? "--child-heap"
                : !childJvmOptions.isEmpty()
                    ? "--child-jvm-option"
                    : !childWarmUps.isEmpty() ? "--child-warm-up" : null;
    if (flag != null) {
      throw new IllegalArgumentException(
          flag
              + " applies to child JVMs, which only --model processes has (the model is "
              + model.label()
              + ")");
    }
  }
}
