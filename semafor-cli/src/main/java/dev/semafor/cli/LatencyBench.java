package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.Client;
import dev.semafor.JobHandle;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.broker.Broker;
import dev.semafor.broker.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * {@code semafor bench --latency}: enqueues {@code semafor.clock} jobs one at a time to an idle
 * worker and measures enqueue→start: from the producer's wall clock just before the enqueue call to
 * the wall-clock time the job recorded when it ran ({@link BuiltinTasks#CLOCK}), both read from the
 * same machine's clock in microseconds. After each job finishes, the producer pauses a random time
 * up to the worker's poll interval, so that enqueues fall anywhere in the idle worker's wait.
 *
 * <p>The worker runs in another process ({@code semafor worker}, started from this JVM's own
 * classpath) whenever another process can reach the broker, which is what a producer and a worker
 * usually are; in this process for {@code memory:} and {@code sqlite::memory:}, or with {@code
 * --in-process}. A few warm-up jobs run first and are not counted.
 */
final class LatencyBench {
  static final int WARM_UP = 10;
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
      TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(pauseBound));
      long enqueuedAt = BuiltinTasks.epochMicros();
      JobHandle job = client.enqueue(BuiltinTasks.CLOCK, null, options);
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
    command.add("--enable-native-access=ALL-UNNAMED");
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
          .put("worker_process", otherProcess ? "other" : "same")
          .put("model", config.model().label())
          .put("p50_ms", Output.millis(Latencies.ms(micros, 50)))
          .put("p90_ms", Output.millis(Latencies.ms(micros, 90)))
          .put("p99_ms", Output.millis(Latencies.ms(micros, 99)))
          .put("max_ms", Output.millis(micros.getMaxValue() / 1000.0));
    }

    void print(PrintWriter out) {
      out.printf(
          "bench --latency: %s jobs one at a time on %s, worker in %s process%n",
          Output.count(jobs), broker, otherProcess ? "another" : "the same");
      out.printf("  enqueue-to-start  %s%n", Latencies.line(micros));
    }
  }
}
