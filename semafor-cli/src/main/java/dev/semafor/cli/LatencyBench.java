package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code semafor bench --latency}: enqueues {@code semafor.clock} jobs one at a time to an idle
 * worker and measures enqueue→start: from the producer's wall clock just before the enqueue call to
 * the wall-clock time the job recorded when it ran ({@link BuiltinTasks#CLOCK}), both read from the
 * same machine's clock in microseconds. After each job finishes, the producer pauses a random time
 * up to the worker's poll interval, so that enqueues fall anywhere in the idle worker's wait.
 *
 * <p>The worker runs in another process whenever another process can reach the broker, which is
 * what a producer and a worker usually are: {@code semafor worker}, started as {@code bin/semafor
 * worker} would start it, with this JVM's binary, classpath and JVM options (the collector, the
 * launcher's start-up cache, {@code SEMAFOR_JAVA_OPTS}; see {@link #workerJvmOptions}). It runs in
 * this process for {@code memory:} and {@code sqlite::memory:}, or with {@code --in-process}.
 *
 * <h2>Warm-up</h2>
 *
 * The figure is that of a worker that has been running for a while, as a user's idle worker usually
 * has: first {@link #WARM_UP} jobs go the same way (each to an idle worker, which it wakes) after
 * shorter pauses, and are not counted, so that the JIT has compiled the path from wake-up to start
 * in both processes. A worker's first jobs after its start are slower (interpreted code);
 * docs/benchmarks.md compares with the ten warm-up jobs this bench used to run.
 *
 * <p>After each enqueue the producer lets {@link #FIRST_LOOK} pass before it asks the broker
 * whether the job finished, so that its own reads do not compete with the worker for the CPU and
 * the broker while the job is on its way.
 */
final class LatencyBench {
  static final int WARM_UP = 200;

  /** The longest pause before a warm-up job: enough for the worker to be waiting again. */
  private static final long WARM_UP_PAUSE_MS = 10;

  static final Duration FIRST_LOOK = Duration.ofMillis(20);
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);

  private final Broker broker;
  private final String url;
  private final WorkerConfig config;
  private final boolean otherProcess;
  private final int jobs;

  LatencyBench(Broker broker, String url, WorkerConfig config, boolean inProcess, int jobs) {
    this.broker = broker;
    this.url = url;
    this.config = config;
    this.otherProcess = !inProcess && reachableFromOtherProcesses(url);
    this.jobs = jobs;
  }

  /** False for brokers that live inside this process. */
  static boolean reachableFromOtherProcesses(String url) {
    return !url.startsWith("memory:") && !url.equals("sqlite::memory:");
  }

  Result run() throws Exception {
    if (otherProcess) {
      Process worker = startWorkerProcess();
      try {
        return measure();
      } finally {
        stop(worker);
      }
    }
    Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), config).start();
    try {
      return measure();
    } finally {
      worker.close();
    }
  }

  private Result measure() throws InterruptedException, TimeoutException {
    Client client = new Client(broker);
    JobOptions options = JobOptions.defaults().queue(config.queues().get(0));
    Histogram micros = new Histogram(3);
    long pauseBound = Math.max(1, config.pollInterval().toMillis());
    for (int i = 0; i < WARM_UP + jobs; i++) {
      long bound = i < WARM_UP ? Math.min(WARM_UP_PAUSE_MS, pauseBound) : pauseBound;
      TimeUnit.MILLISECONDS.sleep(1 + ThreadLocalRandom.current().nextLong(bound));
      long enqueuedAt = BuiltinTasks.epochMicros();
      JobHandle job = client.enqueue(BuiltinTasks.CLOCK, null, options);
      if (i >= WARM_UP) {
        TimeUnit.NANOSECONDS.sleep(FIRST_LOOK.toNanos());
      }
      JobRecord done = job.await(JOB_TIMEOUT);
      if (done.state() != JobState.SUCCEEDED) {
        throw new IllegalStateException("latency job " + job.id() + " ended " + done.state());
      }
      long ranAt = job.result(BuiltinTasks.ClockResult.class).atMicros();
      if (i >= WARM_UP) {
        micros.recordValue(Math.max(0, ranAt - enqueuedAt));
      }
    }
    return new Result(url, config, otherProcess, jobs, micros);
  }

  /** {@code semafor worker} on the bench's queue, in a JVM started like this one. */
  private Process startWorkerProcess() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(workerJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(
        List.of(
            "worker",
            "--broker",
            url,
            "--queues",
            config.queues().get(0),
            "--model",
            config.model().label(),
            "--concurrency",
            Integer.toString(config.concurrency())));
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /**
   * The JVM options for the worker process: this JVM's own, as {@code bin/semafor} chose them (the
   * collector, {@code -XX:AOTCache}, {@code SEMAFOR_JAVA_OPTS}), so that the worker starts as
   * {@code bin/semafor worker} would, less those that must not be given to two JVMs at once (a
   * debugger's port, a recording, a cache or archive being written), and with native access enabled
   * (SQLite).
   */
  static List<String> workerJvmOptions(List<String> own) {
    List<String> options = new ArrayList<>();
    for (String option : own) {
      if (!NOT_INHERITED.matcher(option).lookingAt()) {
        options.add(option);
      }
    }
    if (!options.contains(NATIVE_ACCESS)) {
      options.add(NATIVE_ACCESS);
    }
    return options;
  }

  private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

  private static final Pattern NOT_INHERITED =
      Pattern.compile(
          "-agentlib:|-agentpath:|-Xdebug|-Xrunjdwp|-XX:StartFlightRecording|-XX:AOTCacheOutput"
              + "|-XX:AOTMode|-XX:AOTConfiguration|-XX:ArchiveClassesAtExit|-XX:DumpLoadedClassList"
              + "|-Dsemafor\\.tty=");

  /** SIGTERM (the worker closes cleanly), then a kill if it lingers. */
  private static void stop(Process worker) throws InterruptedException {
    worker.destroy();
    if (!worker.waitFor(30, TimeUnit.SECONDS)) {
      worker.destroyForcibly();
    }
  }

  /** What one latency run measured, in microseconds. */
  record Result(
      String broker, WorkerConfig config, boolean otherProcess, int jobs, Histogram micros) {
    ObjectNode toJson() {
      return Output.object()
          .put("broker", broker)
          .put("jobs", jobs)
          .put("warm_up", WARM_UP)
          .put("worker_process", otherProcess ? "other" : "same")
          .put("model", config.model().label())
          .put("p50_ms", Output.millis(Latencies.ms(micros, 50)))
          .put("p90_ms", Output.millis(Latencies.ms(micros, 90)))
          .put("p99_ms", Output.millis(Latencies.ms(micros, 99)))
          .put("max_ms", Output.millis(micros.getMaxValue() / 1000.0));
    }

    void print(PrintWriter out) {
      out.printf(
          "bench --latency: %s jobs one at a time on %s, worker in %s process (after %d warm-up"
              + " jobs)%n",
          Output.count(jobs), broker, otherProcess ? "another" : "the same", WARM_UP);
      out.printf("  enqueue-to-start  %s%n", Latencies.line(micros));
    }
  }
}
