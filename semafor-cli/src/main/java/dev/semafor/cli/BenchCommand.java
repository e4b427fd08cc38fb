package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.ProgressBar;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor bench}: enqueues N {@code semafor.noop} jobs on a queue of their own, in batches,
 * then drains them with an in-process worker in burst mode, and reports the enqueue rate, the drain
 * rate (jobs/s, from the worker's start until the broker has recorded the last outcome) and latency
 * percentiles read back from the broker for a sample of jobs (see {@link Latencies}). Because every
 * job is enqueued before the worker starts, latencies include the wait behind the backlog.
 */
@Command(
    name = "bench",
    sortOptions = false,
    description = "Enqueue N no-op jobs, drain them with an in-process worker, report rates.")
final class BenchCommand implements Callable<Integer> {
  /** How many jobs' latencies are read back from the broker at most. */
  static final int MAX_SAMPLES = 20_000;

  /** With no job finishing for this long, the bench gives up. */
  static final Duration STALL = Duration.ofSeconds(60);

  /** How often the bar is redrawn while jobs run. */
  private static final long DRAW_EVERY_NANOS = 100_000_000L;

  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;
  @Mixin private WorkerOptions worker;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Jobs to run (default: 100000; with --latency, 1000).")
  private Integer jobs;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Jobs per enqueue call (default: 1000).")
  private int batch = 1_000;

  @Option(names = "--json", description = "Print one JSON object.")
  private boolean json;

  @Option(
      names = "--latency",
      description =
          "Instead: enqueue jobs one at a time to an idle worker, report enqueue-to-start"
              + " p50/p99/max.")
  private boolean latency;

  @Option(
      names = "--in-process",
      description =
          "With --latency: run the worker in this process (default: in another process,"
              + " unless the broker lives in this one).")
  private boolean inProcess;

  @Override
  public Integer call() throws Exception {
    if (jobs == null) {
      jobs = latency ? 1_000 : 100_000;
    }
    if (inProcess && !latency) {
      throw new IllegalArgumentException("--in-process goes with --latency");
    }
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be at least 1: " + jobs);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be at least 1: " + batch);
    }
    Cli cli = root.cli();
    Logging.quietUnless(root.verbose());
    String queue = "bench-" + JobIds.next(Instant.now()).toLowerCase(java.util.Locale.ROOT);
    if (latency) {
      return latency(cli, queue);
    }
    WorkerConfig config = worker.builder().queues(List.of(queue)).burst(true).build();
    try (Broker b = broker.open(cli)) {
      boolean draw = cli.errIsTerminal() && !json;
      long t0 = System.nanoTime();
      List<String> sample =
          enqueue(new Client(b), queue, new ProgressBar(cli.err(), draw, jobs).label("enqueue"));
      long enqueueNanos = System.nanoTime() - t0;

      Worker w = new Worker(b, TaskRegistry.withBuiltins(), config);
      long starting = System.nanoTime();
      w.start(); // returns once the pool is ready: for processes, once every child is
      long t1 = System.nanoTime();
      long startupNanos = t1 - starting;
      WorkerStats stats = awaitAll(w, new ProgressBar(cli.err(), draw, jobs).label("run    "));
      long drainNanos = System.nanoTime() - t1;
      w.close();

      Latencies latencies = Latencies.of(b, sample);
      Result result =
          new Result(
              broker.redacted(cli), // never the password
              config,
              jobs,
              enqueueNanos,
              startupNanos,
              drainNanos,
              stats,
              latencies);
      if (json) {
        cli.out().println(Output.json(result.toJson()));
      } else {
        result.print(cli.out());
      }
      if (stats.succeeded() != jobs) {
        throw new IllegalStateException(
            "only " + stats.succeeded() + " of " + jobs + " jobs succeeded: " + stats);
      }
    }
    return 0;
  }

  /** {@code --latency}: see {@link LatencyBench}. */
  private int latency(Cli cli, String queue) throws Exception {
    WorkerConfig config = worker.builder().queues(List.of(queue)).build();
    try (Broker b = broker.open(cli)) {
      LatencyBench.Result result =
          new LatencyBench(b, broker.resolve(cli), config, inProcess, jobs).run();
      if (json) {
        cli.out().println(Output.json(result.toJson()));
      } else {
        result.print(cli.out());
      }
    }
    return 0;
  }

  /** Enqueues every job in batches; returns the ids of an evenly spaced sample. */
  private List<String> enqueue(Client client, String queue, ProgressBar bar) {
    JobRequest request =
        new JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults().queue(queue));
    int every = Math.max(1, jobs / MAX_SAMPLES);
    List<String> sample = new ArrayList<>();
    long nextDraw = System.nanoTime();
    for (int done = 0; done < jobs; ) {
      int n = Math.min(batch, jobs - done);
      List<JobHandle> handles = client.enqueueAll(Collections.nCopies(n, request));
      for (int i = 0; i < n; i++) {
        if ((done + i) % every == 0) {
          sample.add(handles.get(i).id());
        }
      }
      done += n;
      if (System.nanoTime() - nextDraw >= 0) {
        bar.update(done);
        nextDraw = System.nanoTime() + DRAW_EVERY_NANOS;
      }
    }
    bar.clear();
    return sample;
  }

  /** Waits until the broker has recorded every job's outcome, or nothing moved for a while. */
  private WorkerStats awaitAll(Worker w, ProgressBar bar) throws InterruptedException {
    long start = System.nanoTime();
    long lastFinished = -1;
    long lastMove = start;
    long nextDraw = start;
    while (true) {
      WorkerStats s = w.stats();
      if (s.finished() >= jobs || w.isTerminated()) {
        bar.clear();
        return s;
      }
      long now = System.nanoTime();
      if (now - nextDraw >= 0) {
        bar.update((int) s.finished());
        nextDraw = now + DRAW_EVERY_NANOS;
      }
      if (s.finished() != lastFinished) {
        lastFinished = s.finished();
        lastMove = now;
      } else if (now - lastMove > STALL.toNanos()) {
        w.close();
        bar.clear();
        throw new IllegalStateException(
            "no job finished for " + STALL.toSeconds() + " s; stopped at " + s);
      }
      TimeUnit.NANOSECONDS.sleep(pollNanos(jobs - s.finished(), s.finished(), now - start));
    }
  }

  /** The shortest and the longest wait between two looks at the worker's counts. */
  static final long MIN_POLL_NANOS = 1_000_000L, MAX_POLL_NANOS = 50_000_000L;

  /**
   * How long {@link #awaitAll} waits before it looks again: a quarter of the time the {@code
   * remaining} jobs should take at the rate so far ({@code finished} in {@code elapsedNanos}),
   * between 1 and 50 ms. Early in a long drain it looks 20 times a second, not 1,000 (each look is
   * CPU taken from the worker and the broker on the same cores); near the end, every millisecond,
   * so the drain's end is still seen within about a millisecond.
   */
  static long pollNanos(long remaining, long finished, long elapsedNanos) {
    if (finished <= 0) {
      return MIN_POLL_NANOS * 5;
    }
    double expected = (double) remaining * elapsedNanos / finished;
    return Math.max(MIN_POLL_NANOS, Math.min(MAX_POLL_NANOS, (long) (expected / 4)));
  }

  /** What one bench run measured. */
  record Result(
      String broker,
      WorkerConfig config,
      int jobs,
      long enqueueNanos,
      long startupNanos,
      long drainNanos,
      WorkerStats stats,
      Latencies latencies) {
    double enqueuePerSec() {
      return jobs / (enqueueNanos / 1e9);
    }

    double jobsPerSec() {
      return stats.succeeded() / (drainNanos / 1e9);
    }

    ObjectNode toJson() {
      ObjectNode node =
          Output.object()
              .put("broker", broker)
              .put("model", config.model().label())
              .put("concurrency", config.concurrency())
              .put("jobs", jobs)
              .put("succeeded", stats.succeeded())
              .put("enqueue_seconds", Output.millis(enqueueNanos / 1e9))
              .put("enqueue_per_sec", Math.round(enqueuePerSec()))
              .put("drain_seconds", Output.millis(drainNanos / 1e9))
              .put("jobs_per_sec", Math.round(jobsPerSec()))
              .put("startup_seconds", Output.millis(startupNanos / 1e9))
              .put("latency_samples", latencies.samples());
      node.set("latency_ms", Latencies.json(latencies.toFinish()));
      node.set("start_latency_ms", Latencies.json(latencies.toStart()));
      return node;
    }

    void print(PrintWriter out) {
      out.printf(
          "bench: %s noop jobs on %s, %s x %d%n",
          Output.count(jobs), broker, config.model().label(), config.concurrency());
      out.printf(
          "  enqueue   %s jobs in %s: %s jobs/s%n",
          Output.count(jobs),
          Output.duration(Duration.ofNanos(enqueueNanos)),
          Output.rate(enqueuePerSec()));
      out.printf(
          "  start     worker ready in %s (not counted in the drain)%n",
          Output.duration(Duration.ofNanos(startupNanos)));
      out.printf(
          "  drain     %s jobs in %s: %s jobs/s%n",
          Output.count(stats.succeeded()),
          Output.duration(Duration.ofNanos(drainNanos)),
          Output.rate(jobsPerSec()));
      out.printf("  latency (%s sampled jobs)%n", Output.count(latencies.samples()));
      out.printf("    enqueue-to-start   %s%n", Latencies.line(latencies.toStart()));
      out.printf("    enqueue-to-finish  %s%n", Latencies.line(latencies.toFinish()));
    }
  }
}
