package dev.semafor.cli;

import dev.semafor.BrokerFatalException;
import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.Names;
import dev.semafor.schedule.Schedule;
import dev.semafor.spi.Broker;
import dev.semafor.worker.Durations;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import dev.semafor.worker.WorkerStats;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor worker}: runs jobs until stopped (or, with {@code --burst}, until its queues are
 * empty).
 *
 * <h2>Stopping</h2>
 *
 * SIGTERM or Ctrl-C closes the worker gracefully (no more fetching, unstarted jobs handed back at
 * once, running ones finish within {@code --grace}), closes the broker, and ends the process with
 * exit code 0; Ctrl-C first says so in one line, and a second Ctrl-C stops at once (exit code 130;
 * running jobs come back by lease expiry). See {@link StopSignals}.
 *
 * <p>A worker that stops by itself because its broker failed ({@link Worker#failure()}: a corrupt,
 * deleted or replaced SQLite file, or in burst mode any broker failure) ends the command with one
 * line on stderr and exit code 3.
 */
@Command(
    name = "worker",
    sortOptions = false,
    description = "Run jobs from the given queues until stopped (SIGTERM or Ctrl-C).")
final class WorkerCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;
  @Mixin private WorkerOptions worker;
  @Mixin private TaskClasspath classpath;
  @Mixin private ScheduleOptions control;

  @Option(
      names = {"-q", "--queues"},
      paramLabel = "Q1,Q2",
      description = "Queues to serve, earlier ones first (default: default).")
  private String queues = String.join(",", WorkerConfig.DEFAULT_QUEUES);

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      description = "Jobs leased ahead of free capacity (default: the concurrency, at most 4).")
  private Integer prefetch;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long running jobs may take to finish at shutdown (default: 30s).")
  private Duration grace = WorkerConfig.DEFAULT_GRACE;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a leased job is this worker's without a heartbeat; a killed worker's jobs run"
              + " again elsewhere after it (default: 30s).")
  private Duration lease;

  @Option(
      names = "--id",
      paramLabel = "NAME",
      description = "This worker's id in the registry and on its jobs (default: HOST-PID-RANDOM).")
  private String id;

  @Option(names = "--burst", description = "Exit once the queues are empty.")
  private boolean burst;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve this worker's Prometheus metrics at http://127.0.0.1:PORT/metrics (0: any free"
              + " port).")
  private Integer metricsPort;

  @Option(
      names = "--json",
      description =
          "When stopped, print the summary as one JSON object: {\"worker_id\", \"succeeded\","
              + " \"retried\", \"dead\", \"cancelled\", \"released\", \"lost\"}.")
  private boolean json;

  @Override
  public Integer call() throws InterruptedException {
    Cli cli = root.cli();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (TaskClasspath.Tasks tasks = classpath.load(cli)) {
      // the child-JVM flags check warm-up tasks against the context loader: the tasks given
      Thread.currentThread().setContextClassLoader(tasks.loader());
      WorkerConfig config = config(tasks);
      List<Schedule> schedules = control.parse(tasks.registry());
      Broker b = broker.open(cli);
      Worker w;
      WorkerMetricsEndpoint metrics = null;
      try {
        metrics = metricsPort == null ? null : WorkerMetricsEndpoint.start(metricsPort);
        w =
            new Worker(
                b,
                tasks.registry(),
                config,
                Json.defaults(),
                InstantSource.system(),
                metrics == null ? WorkerListener.NONE : metrics.listener());
        if (metrics != null) {
          metrics.watch(w);
          cli.err().println("metrics at " + metrics.url());
        }
        try {
          schedules.forEach(w::schedule);
        } catch (RuntimeException e) {
          w.close();
          throw e;
        }
      } catch (RuntimeException e) {
        if (metrics != null) {
          metrics.close();
        }
        b.close();
        throw e;
      }
      try {
        return run(cli, b, w);
      } finally {
        if (metrics != null) {
          metrics.close();
        }
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /** The config from the flags; with --model processes, the --classpath reaches the children. */
  private WorkerConfig config(TaskClasspath.Tasks tasks) {
    List<String> names = Arrays.stream(queues.split(",", -1)).map(String::trim).toList();
    // one line naming a bad character, before anything starts
    names.forEach(q -> Flags.check("--queues", q, Names::queue));
    WorkerConfig.Builder b =
        control.apply(worker.builder().queues(names).shutdownGrace(grace).burst(burst));
    if (prefetch != null) {
      if (prefetch < 0) {
        throw new IllegalArgumentException("--prefetch must be at least 0: " + prefetch);
      }
      b.prefetch(prefetch);
    }
    if (lease != null) {
      if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "--lease must be at least 1s: " + Durations.format(lease));
      }
      b.leaseDuration(lease); // heartbeats every third of it when it is shorter than their 10 s
    }
    if (id != null) {
      if (id.isBlank()) {
        throw new IllegalArgumentException("--id must not be blank");
      }
      b.workerId(id);
    }
    if (worker.model == ExecutionModel.PROCESSES) {
      b.childClasspath(tasks.entries());
    }
    return b.build();
  }

  private int run(Cli cli, Broker broker, Worker worker) throws InterruptedException {
    StopSignals signals =
        StopSignals.install(
            cli,
            () -> StopSignals.stoppingLine("stopping", grace, worker.stats().inFlight()),
            () -> stop(cli, broker, worker, json),
            0);
    try {
      worker.start();
    } catch (RuntimeException e) { // e.g. a child JVM that cannot start: exit 2, not the hook's 0
      signals.uninstall();
      worker.close();
      broker.close();
      throw e;
    }
    while (!worker.awaitTermination(Duration.ofHours(1))) {
      // a worker runs until it is closed or, in burst mode, its queues are empty
    }
    if (!signals.uninstall()) {
      signals
          .awaitHook(); // a signal came: the hook is stopping the worker and will end the process
    }
    stop(cli, broker, worker, json);
    if (worker.failure().isPresent()) {
      // it stopped by itself: a broker it cannot use, or (burst) one that failed; exit 3
      RuntimeException cause = worker.failure().get();
      throw cause instanceof BrokerFatalException fatal
          ? fatal
          : new BrokerFatalException(cause.getMessage(), cause);
    }
    return 0;
  }

  private static void stop(Cli cli, Broker broker, Worker worker, boolean json) {
    worker.close();
    broker.close();
    WorkerStats s = worker.stats();
    if (json) {
      cli.out()
          .println(
              Output.json(
                  Output.object()
                      .put("worker_id", worker.id())
                      .put("succeeded", s.succeeded())
                      .put("retried", s.retried())
                      .put("dead", s.dead())
                      .put("cancelled", s.cancelled())
                      .put("released", s.released())
                      .put("lost", s.lost())));
    } else {
      cli.out().println("worker " + worker.id() + " stopped: " + s);
    }
    cli.out().flush();
    cli.err().flush();
  }
}
