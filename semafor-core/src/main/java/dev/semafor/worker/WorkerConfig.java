package dev.semafor.worker;

import dev.semafor.ExecutionModel;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * How a worker runs: which queues it serves, on which execution model, how many jobs at once, and
 * its timings. Immutable and validated; build with {@link #builder()} or parse the compact form
 * ({@link #parse}, e.g. {@code model=virtual,concurrency=200,queues=a|b}).
 *
 * <p>Prefetch: a worker leases at most {@code concurrency + prefetch} jobs. {@code prefetch} is the
 * floor; for jobs that finish in well under a millisecond the worker raises it (up to {@link
 * #maxPrefetch()}) so that the jobs waiting in its local queue would take no more than {@link
 * #DEFAULT_PREFETCH_WAIT} to drain. Long jobs therefore never hold short ones hostage.
 *
 * <p>Settings of the {@link ExecutionModel#PROCESSES} model (ignored by the others): {@code
 * maxJobsPerChild} (replace a child after that many jobs; 0 never does), {@code childJvmOptions}
 * (the children's JVM options; empty means {@link ChildJvmOptions#DEFAULTS}, and a non-empty list
 * replaces them — {@link ChildJvmOptions#of} builds one on top of the defaults), {@code
 * childClasspath} (jars or folders added to the children's classpath after this JVM's own, for task
 * modules that are not on it) and {@code childWarmUps} (jobs each child runs before it reports
 * ready; see {@link WarmUpJob}).
 */
public record WorkerConfig(
    List<String> queues,
    ExecutionModel model,
    int concurrency,
    int prefetch,
    int maxPrefetch,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration pollInterval,
    Duration shutdownGrace,
    boolean burst,
    String workerId,
    int maxJobsPerChild,
    List<String> childJvmOptions,
    Duration progressInterval,
    Duration retention,
    List<Path> childClasspath,
    List<WarmUpJob> childWarmUps) {

  public static final List<String> DEFAULT_QUEUES = List.of("default");
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL = Duration.ofMillis(200);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_PREFETCH_WAIT = Duration.ofMillis(20);

  /**
   * The default cap on the prefetch: two of the fetcher's largest lease calls (512 jobs each). A
   * refill waits until half the prefetch is free, so under this cap each refill is one full call,
   * and one batch can be leased while the last one runs and is recorded. Jobs this short are what
   * the cap is for: 64 members running 10 µs jobs would be allowed 128,000 by the wait target.
   */
  public static final int DEFAULT_MAX_PREFETCH = 1024;

  /** How often progress reports are written and cancellation requests are looked for. */
  public static final Duration DEFAULT_PROGRESS = Duration.ofSeconds(1);

  /** How often a worker with a {@link #retention()} prunes finished jobs. */
  public static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  public WorkerConfig {
    queues = List.copyOf(queues);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(workerId, "workerId");
    childJvmOptions = List.copyOf(childJvmOptions);
    for (String option : childJvmOptions) {
      ChildJvmOptions.check(option);
    }
    childClasspath = List.copyOf(childClasspath);
    childWarmUps = List.copyOf(childWarmUps);
    if (queues.isEmpty() || queues.stream().anyMatch(q -> q == null || q.isBlank())) {
      throw new IllegalArgumentException("a worker needs at least one non-blank queue: " + queues);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    if (model == ExecutionModel.SEQUENTIAL && concurrency != 1) {
      throw new IllegalArgumentException(
          "the sequential model runs one job at a time; concurrency was " + concurrency);
    }
    if (prefetch < 0 || maxPrefetch < prefetch) {
      throw new IllegalArgumentException(
          "prefetch must be in 0..maxPrefetch (" + prefetch + ", " + maxPrefetch + ")");
    }
    if (!heartbeatInterval.isPositive() || heartbeatInterval.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException(
          "heartbeat interval "
              + heartbeatInterval
              + " must be positive and shorter than the lease "
              + leaseDuration);
    }
    if (!pollInterval.isPositive()) {
      throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdown grace must not be negative");
    }
    if (maxJobsPerChild < 0) {
      throw new IllegalArgumentException("maxJobsPerChild must not be negative");
    }
    Objects.requireNonNull(progressInterval, "progressInterval");
    if (!progressInterval.isPositive()) {
      throw new IllegalArgumentException("progress interval must be positive: " + progressInterval);
    }
    if (retention != null && !retention.isPositive()) {
      throw new IllegalArgumentException("retention must be positive: " + retention);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Parses the compact form: comma-separated {@code key=value} pairs, keys {@code queues}
   * (separated by {@code |}), {@code model}, {@code concurrency}, {@code prefetch}, {@code lease},
   * {@code heartbeat}, {@code poll}, {@code grace} (durations like {@code 30s}, {@code 500ms},
   * {@code 2m}), {@code burst}, {@code id}, {@code max-jobs-per-child}, {@code child-classpath}
   * (entries separated by the platform's path separator, {@code :} on Unix), {@code progress} (how
   * often progress is written and cancellations are looked for), {@code retention} (finished jobs
   * older than this are pruned; unset keeps them).
   */
  @SuppressWarnings("StringSplitter") // trailing empty parts dropped, as the format always had
  public static WorkerConfig parse(String text) {
    Builder b = builder();
    if (text == null || text.isBlank()) {
      return b.build();
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "expected key=value in worker config, got '" + pair + "'");
      }
      String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = pair.substring(eq + 1).trim();
      switch (key) {
        case "queues" -> b.queues(Arrays.asList(value.split("\\|")));
        case "model" -> b.model(ExecutionModel.parse(value));
        case "concurrency" -> b.concurrency(parseInt(key, value));
        case "prefetch" -> b.prefetch(parseInt(key, value));
        case "lease" -> b.leaseDuration(Durations.parse(value));
        case "heartbeat" -> b.heartbeatInterval(Durations.parse(value));
        case "poll" -> b.pollInterval(Durations.parse(value));
        case "grace" -> b.shutdownGrace(Durations.parse(value));
        case "burst" -> b.burst(Boolean.parseBoolean(value));
        case "id" -> b.workerId(value);
        case "max-jobs-per-child" -> b.maxJobsPerChild(parseInt(key, value));
        case "child-classpath" -> b.childClasspath(parsePaths(value));
        case "progress" -> b.progressInterval(Durations.parse(value));
        case "retention" -> b.retention(Durations.parse(value));
        default -> throw new IllegalArgumentException("unknown worker config key '" + key + "'");
      }
    }
    return b.build();
  }

  /** The compact form, as logged at start. */
  @Override
  public String toString() {
    return "model="
        + model.label()
        + ",concurrency="
        + concurrency
        + ",queues="
        + String.join("|", queues)
        + ",prefetch="
        + prefetch
        + ",lease="
        + Durations.format(leaseDuration)
        + ",heartbeat="
        + Durations.format(heartbeatInterval)
        + ",poll="
        + Durations.format(pollInterval)
        + ",grace="
        + Durations.format(shutdownGrace)
        + ",burst="
        + burst
        + ",id="
        + workerId
        + (model == ExecutionModel.PROCESSES ? ",max-jobs-per-child=" + maxJobsPerChild : "")
        + (model == ExecutionModel.PROCESSES && !childClasspath.isEmpty()
            ? ",child-classpath="
                + String.join(
                    File.pathSeparator, childClasspath.stream().map(Path::toString).toList())
            : "")
        + (progressInterval.equals(DEFAULT_PROGRESS)
            ? ""
            : ",progress=" + Durations.format(progressInterval))
        + (retention == null ? "" : ",retention=" + Durations.format(retention));
  }

  @SuppressWarnings("StringSplitter") // empty entries are skipped below
  private static List<Path> parsePaths(String value) {
    List<Path> paths = new ArrayList<>();
    for (String entry : value.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        paths.add(Path.of(entry.trim()));
      }
    }
    return paths;
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
    }
  }

  /** A validating builder; {@link #build()} checks the whole config at once. */
  public static final class Builder {
    private List<String> queues = DEFAULT_QUEUES;
    private ExecutionModel model = ExecutionModel.THREADS;
    private Integer concurrency;
    private Integer prefetch;
    private int maxPrefetch = DEFAULT_MAX_PREFETCH;
    private Duration leaseDuration = DEFAULT_LEASE;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT;
    private Duration pollInterval = DEFAULT_POLL;
    private Duration shutdownGrace = DEFAULT_GRACE;
    private boolean burst;
    private String workerId;
    private int maxJobsPerChild;
    private List<String> childJvmOptions = List.of();
    private Duration progressInterval = DEFAULT_PROGRESS;
    private Duration retention;
    private List<Path> childClasspath = List.of();
    private List<WarmUpJob> childWarmUps = List.of();

    private Builder() {}

    private Builder(WorkerConfig c) {
      queues = c.queues;
      model = c.model;
      concurrency = c.concurrency;
      prefetch = c.prefetch;
      maxPrefetch = c.maxPrefetch;
      leaseDuration = c.leaseDuration;
      heartbeatInterval = c.heartbeatInterval;
      pollInterval = c.pollInterval;
      shutdownGrace = c.shutdownGrace;
      burst = c.burst;
      workerId = c.workerId;
      maxJobsPerChild = c.maxJobsPerChild;
      childJvmOptions = c.childJvmOptions;
      progressInterval = c.progressInterval;
      retention = c.retention;
      childClasspath = c.childClasspath;
      childWarmUps = c.childWarmUps;
    }

    public Builder queues(List<String> v) {
      List<String> trimmed = new ArrayList<>();
      for (String q : v) {
        trimmed.add(q == null ? null : q.trim());
      }
      queues = trimmed;
      return this;
    }

    public Builder queues(String... v) {
      return queues(Arrays.asList(v));
    }

    public Builder model(ExecutionModel v) {
      model = v;
      return this;
    }

    public Builder concurrency(int v) {
      concurrency = v;
      return this;
    }

    public Builder prefetch(int v) {
      prefetch = v;
      return this;
    }

    public Builder maxPrefetch(int v) {
      maxPrefetch = v;
      return this;
    }

    public Builder leaseDuration(Duration v) {
      leaseDuration = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder pollInterval(Duration v) {
      pollInterval = v;
      return this;
    }

    public Builder shutdownGrace(Duration v) {
      shutdownGrace = v;
      return this;
    }

    public Builder burst(boolean v) {
      burst = v;
      return this;
    }

    public Builder workerId(String v) {
      workerId = v;
      return this;
    }

    public Builder maxJobsPerChild(int v) {
      maxJobsPerChild = v;
      return this;
    }

    /**
     * The children's JVM options (processes model); empty (the default) means {@link
     * ChildJvmOptions#DEFAULTS}. Options that would write to stdout are refused.
     */
    public Builder childJvmOptions(List<String> v) {
      childJvmOptions = v;
      return this;
    }

    /** Jars or class folders added to the children's classpath (processes model). */
    public Builder childClasspath(List<Path> v) {
      childClasspath = v;
      return this;
    }

    /** Jobs each child runs before it reports ready (processes model); see {@link WarmUpJob}. */
    public Builder childWarmUps(List<WarmUpJob> v) {
      childWarmUps = v;
      return this;
    }

    /** How often progress is written and cancellation requests are looked for (default 1 s). */
    public Builder progressInterval(Duration v) {
      progressInterval = v;
      return this;
    }

    /** Finished jobs older than this are pruned by the worker; null (the default) keeps them. */
    public Builder retention(Duration v) {
      retention = v;
      return this;
    }

    @SuppressWarnings("ReferenceEquality") // the default heartbeat object: none was set
    public WorkerConfig build() {
      int c = concurrency != null ? concurrency : defaultConcurrency(model);
      int p = prefetch != null ? prefetch : Math.min(c, 4);
      String id = workerId != null ? workerId : defaultWorkerId();
      Duration hb = heartbeatInterval;
      if (hb.compareTo(leaseDuration) >= 0 && heartbeatInterval == DEFAULT_HEARTBEAT) {
        hb = leaseDuration.dividedBy(3);
      }
      return new WorkerConfig(
          queues,
          model,
          c,
          p,
          Math.max(p, maxPrefetch),
          leaseDuration,
          hb,
          pollInterval,
          shutdownGrace,
          burst,
          id,
          maxJobsPerChild,
          childJvmOptions,
          progressInterval,
          retention,
          childClasspath,
          childWarmUps);
    }

    private static int defaultConcurrency(ExecutionModel model) {
      int cores = Runtime.getRuntime().availableProcessors();
      return switch (model) {
        case SEQUENTIAL -> 1;
        case THREADS, PROCESSES -> cores;
        case VIRTUAL -> 100;
      };
    }

    private static String defaultWorkerId() {
      String host = System.getenv().getOrDefault("HOSTNAME", "");
      if (host.isBlank()) {
        try {
          host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
          host = "localhost";
        }
      }
      return host
          + "-"
          + ProcessHandle.current().pid()
          + "-"
          + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
