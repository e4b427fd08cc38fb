package dev.semafor.process;

import dev.semafor.Json;
import dev.semafor.worker.WarmUpJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Settings of a {@link ProcessPool}, from {@link ProcessPool#builder()}; each setter checks its
 * argument at once.
 */
public final class ProcessPoolBuilder {
  /**
   * The most bytes the warm-up jobs may take as JSON (UTF-8): they are passed in an environment
   * variable, and Linux caps one at 128 KiB.
   */
  public static final int MAX_WARM_UP_BYTES = 64 * 1024;

  int size = 1;
  List<String> jvmOptions = ProcessPool.DEFAULT_JVM_OPTIONS;
  List<Path> extraClasspath = List.of();
  int maxJobsPerChild;
  Duration cancelGrace = ProcessPool.DEFAULT_CANCEL_GRACE;
  Duration stopTimeout = ProcessPool.DEFAULT_STOP_TIMEOUT;
  Duration startTimeout = ProcessPool.DEFAULT_START_TIMEOUT;
  Json json = Json.defaults();
  Consumer<String> childOutput = System.err::println;
  int maxFrameBytes = FrameCodec.DEFAULT_MAX_FRAME_BYTES;
  List<String> expectedTasks = List.of();
  List<WarmUpJob> warmUps = List.of();
  Duration pipelineBudget = ProcessPool.DEFAULT_PIPELINE_BUDGET;

  /** Wraps the pool's watchdog as its flights see it; for tests that watch the kills it arms. */
  UnaryOperator<Flight.Watchdog> flightWatchdog = UnaryOperator.identity();

  ProcessPoolBuilder() {}

  /** How many children (and jobs at once); default 1. */
  public ProcessPoolBuilder size(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1: " + size);
    }
    this.size = size;
    return this;
  }

  /**
   * Options for each child JVM, such as {@code -Xmx256m}; default {@link
   * ProcessPool#DEFAULT_JVM_OPTIONS}. An empty list means the JVM's own defaults. Options that
   * would write to stdout ({@code -verbose:gc}, {@code -Xlog:gc}) are refused: stdout carries the
   * protocol; log to stderr or a file instead ({@code -Xlog:gc:stderr}).
   */
  public ProcessPoolBuilder jvmOptions(List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if (option == null || option.isBlank()) {
        throw new IllegalArgumentException("a JVM option must not be blank: " + jvmOptions);
      }
      ChildCommand.checkOption(option);
    }
    this.jvmOptions = List.copyOf(jvmOptions);
    return this;
  }

  /** Jars or folders added to the children's classpath after this JVM's own. */
  public ProcessPoolBuilder extraClasspath(List<Path> entries) {
    this.extraClasspath = List.copyOf(entries);
    return this;
  }

  /**
   * Jobs each child runs, in this order, after it has loaded its tasks and before it reports ready
   * — at the pool's start and whenever a child is replaced or recycled — so that real jobs do not
   * pay for a task's first run (class loading, Jackson bindings, the JIT). Results are discarded; a
   * failure is written to the child's stderr and does not stop it. Each names a registered task,
   * which the child looks up in its own registry. Default: none. The list travels to the child in
   * the environment variable {@value ChildMain#WARM_UP_ENV}, so keep inputs small (at most {@value
   * #MAX_WARM_UP_BYTES} bytes in all, as JSON).
   */
  public ProcessPoolBuilder warmUps(List<WarmUpJob> warmUps) {
    List<WarmUpJob> copy = List.copyOf(warmUps);
    int bytes =
        copy.isEmpty() ? 0 : ChildWarmUp.warmUpText(copy).getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_WARM_UP_BYTES) {
      throw new IllegalArgumentException(
          "the warm-up jobs take "
              + bytes
              + " bytes as JSON, over the limit of "
              + MAX_WARM_UP_BYTES
              + "; give them smaller inputs");
    }
    this.warmUps = copy;
    return this;
  }

  /** Replaces a child after this many jobs; 0 (the default) never does. */
  public ProcessPoolBuilder maxJobsPerChild(int maxJobsPerChild) {
    if (maxJobsPerChild < 0) {
      throw new IllegalArgumentException(
          "maxJobsPerChild must not be negative: " + maxJobsPerChild);
    }
    this.maxJobsPerChild = maxJobsPerChild;
    return this;
  }

  /** How long a cancelled job may keep running before its child is killed; default 5 s. */
  public ProcessPoolBuilder cancelGrace(Duration grace) {
    this.cancelGrace = positive(grace, "cancelGrace");
    return this;
  }

  /** How long a child told to stop may take to exit before it is killed; default 10 s. */
  public ProcessPoolBuilder stopTimeout(Duration timeout) {
    this.stopTimeout = positive(timeout, "stopTimeout");
    return this;
  }

  /** How long a child may take to become ready; default 60 s. */
  public ProcessPoolBuilder startTimeout(Duration timeout) {
    this.startTimeout = positive(timeout, "startTimeout");
    return this;
  }

  /**
   * How much work a member may queue in its child ahead of the running job, judged by the mean run
   * time of its recent jobs (at most 16 jobs); default 2 ms. Short jobs then cost one pipe round
   * trip per batch rather than per job. Jobs are only queued ahead while no other member is idle.
   * {@link Duration#ZERO} turns it off: one job per child at a time.
   */
  public ProcessPoolBuilder pipelineBudget(Duration budget) {
    Objects.requireNonNull(budget, "pipelineBudget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("pipelineBudget must not be negative: " + budget);
    }
    this.pipelineBudget = budget;
    return this;
  }

  /** The codec for frames; default {@link Json#defaults()}. */
  public ProcessPoolBuilder json(Json json) {
    this.json = Objects.requireNonNull(json, "json");
    return this;
  }

  /** Where the children's stderr lines go (prefixed with their pid); default System.err. */
  public ProcessPoolBuilder childOutput(Consumer<String> output) {
    this.childOutput = Objects.requireNonNull(output, "childOutput");
    return this;
  }

  /**
   * Task names this JVM knows (its registry's); the pool warns at start if its children do not know
   * them all, as happens with tasks registered by hand rather than by a {@link
   * dev.semafor.TaskModule}.
   */
  public ProcessPoolBuilder expectedTasks(List<String> names) {
    this.expectedTasks = List.copyOf(names);
    return this;
  }

  /** The parent's bound on one frame (children keep the default); for tests. */
  ProcessPoolBuilder maxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
    return this;
  }

  /** Wraps the watchdog the pool's flights arm their kills on; for tests. */
  ProcessPoolBuilder flightWatchdog(UnaryOperator<Flight.Watchdog> wrap) {
    this.flightWatchdog = Objects.requireNonNull(wrap, "wrap");
    return this;
  }

  public ProcessPool build() {
    return new ProcessPool(this);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }
}
