package dev.semafor.cli;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.ProgressBar;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerProvider;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.OpenMode;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.PrimesInput;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor demo}: the first thing to run. Enqueues twenty primality checks (naive trial
 * division of numbers near 10^16: CPU-bound, up to a few hundred milliseconds each) on a queue of
 * their own ({@link #QUEUE}, cleared of earlier runs' jobs first), runs them with an in-process
 * worker, draws a progress bar while they run (on a terminal), then prints which numbers are prime,
 * how long each took and on which thread, and the totals.
 *
 * <h2>What is timed</h2>
 *
 * The wall time runs from the moment the started worker is ready — for {@code --model processes},
 * once every child JVM has reported ready — until the broker has recorded the last result. The
 * worker's start-up and its stop (for processes, the children's exit) are reported on their own
 * line ({@code startup_seconds} and {@code stop_seconds} in JSON), not counted: a worker is started
 * once and then runs for a long time. Before the clock starts, the same warm-up job ({@link
 * #WARM_UPS}) have run in this JVM and, with {@code --model processes}, in each child, so that no
 * side pays for Jackson's set-up or for compiling the trial-division loop on the clock; and one job
 * has gone through the broker's lease and complete ({@link #warmUpBroker}), so that the first
 * lease, which every pool member waits for, does not prepare its statements on the clock.
 *
 * <h2>Order</h2>
 *
 * The numbers are enqueued longest check first ({@link BuiltinTasks#longestCheckFirst}: trial
 * division runs up to n's smallest factor, or up to √n for a prime), the
 * longest-processing-time-first order of list scheduling, which lets several workers taking jobs in
 * queue order finish close together. The report lists them by n.
 */
@Command(
    name = "demo",
    sortOptions = false,
    description = "Check 20 big numbers for primality with an in-process worker; show the results.")
final class DemoCommand implements Callable<Integer> {
  /** The numbers of the classic experiment, in the order the report lists them (ascending). */
  static final List<Long> NUMBERS = dev.semafor.task.BuiltinTasks.DEMO_NUMBERS;

  /** The order they are enqueued in: longest check first (see the class comment). */
  static final List<Long> ENQUEUE_ORDER = BuiltinTasks.longestCheckFirst(NUMBERS);

  /**
   * The warm-up jobs run in this JVM and, with {@code --model processes}, in each child: {@link
   * BuiltinTasks#PRIMES_WARM_UP_NUMBERS}, which take every way out of the check a real job takes.
   */
  static final List<WarmUpJob> WARM_UPS =
      BuiltinTasks.PRIMES_WARM_UP_NUMBERS.stream()
          .map(n -> WarmUpJob.of(BuiltinTasks.PRIMES, new PrimesInput(n)))
          .toList();

  /**
   * The demo's one queue. Each run first clears what an earlier run left on it ({@link #clear}), so
   * old jobs never count and the file does not gather a queue per run.
   */
  static final String QUEUE = "semafor-demo";

  @ParentCommand private SemaforCommand root;
  @Mixin private WorkerOptions worker;

  @Option(
      names = {"-b", "--broker"},
      paramLabel = "URL",
      description =
          "Broker URL (default: $SEMAFOR_BROKER, else sqlite:semafor.db if SQLite is built in,"
              + " else memory:).")
  private String brokerUrl;

  @Option(names = "--json", description = "Print one JSON object with every result and the totals.")
  private boolean json;

  @Override
  public Integer call() throws InterruptedException {
    Cli cli = root.cli();
    Logging.quietUnless(root.verbose());
    String url = url(cli);
    WorkerConfig config = config(worker, QUEUE);
    DemoListener listener = new DemoListener(NUMBERS.size());
    TaskRegistry registry = TaskRegistry.withBuiltins();
    try (Broker broker = BrokerOption.open(cli, brokerUrl, url, OpenMode.CREATE)) {
      clear(broker);
      warmUp(registry);
      warmUpBroker(broker, config, registry);
      List<String> ids = enqueue(broker, QUEUE);
      Worker w =
          new Worker(broker, registry, config, Json.defaults(), InstantSource.system(), listener);
      StopSignals signals =
          StopSignals.install(
              cli,
              () ->
                  StopSignals.stoppingLine(
                      "stopping the demo", config.shutdownGrace(), w.stats().inFlight()),
              () -> stopEarly(cli, broker, w, ids),
              StopSignals.INTERRUPTED);
      long starting = System.nanoTime();
      long t0;
      ProgressBar bar = new ProgressBar(cli.err(), cli.errIsTerminal() && !json, ids.size());
      try {
        w.start();
        t0 = System.nanoTime();
        while (!w.awaitTermination(Duration.ofMillis(100))) {
          bar.update(listener.finished());
        }
      } finally {
        if (!signals.uninstall()) {
          signals.awaitHook(); // Ctrl-C: the hook stops the demo and ends the process
        }
      }
      long startupNanos = t0 - starting;
      long stopped = System.nanoTime();
      long done = listener.allEndedAt() == 0 ? stopped : listener.allEndedAt();
      long wallNanos = done - t0;
      long stopNanos = stopped - done;
      bar.update(listener.finished()); // the last state, however fast the end came
      bar.clear();
      DemoReport report =
          DemoReport.of(
              broker,
              ids,
              listener,
              url,
              config,
              new DemoReport.Clock(startupNanos, wallNanos, stopNanos));
      if (json) {
        cli.out().println(Output.json(report.toJson()));
      } else {
        report.print(cli.out());
      }
      return report.allSucceeded() ? 0 : Main.FAILURE;
    }
  }

  /**
   * Removes what earlier demos left on {@link #QUEUE}: waiting jobs are cancelled, then every
   * finished one is deleted. Jobs still RUNNING (a demo killed with {@code kill -9}) are left:
   * their leases expire and this demo's worker runs them too. Returns how many were removed.
   */
  static int clear(Broker broker) {
    int removed = 0;
    int offset = 0;
    while (true) {
      List<JobRecord> page =
          broker.query(JobQuery.all().queue(QUEUE).page(JobQuery.MAX_LIMIT, offset));
      for (JobRecord job : page) {
        if (job.state().isWaiting()) {
          broker.cancel(job.id());
        }
        if (broker.delete(job.id())) {
          removed++;
        } else {
          offset++;
        }
      }
      if (page.size() < JobQuery.MAX_LIMIT) {
        return removed;
      }
    }
  }

  /**
   * The shutdown hook's work after Ctrl-C (or SIGTERM): stop the worker as {@code worker} would,
   * cancel the demo's jobs that did not finish, so that none is left waiting on a queue nobody
   * serves, and say so in one line.
   */
  private static void stopEarly(Cli cli, Broker broker, Worker w, List<String> ids) {
    w.close();
    int cancelled = 0;
    for (String id : ids) {
      if (broker.cancel(id) == CancelResult.CANCELLED) {
        cancelled++;
      }
    }
    broker.close();
    cli.err()
        .printf(
            "demo stopped: %d of %d jobs done, %d cancelled%n",
            ids.size() - cancelled, ids.size(), cancelled);
    cli.err().flush();
  }

  /**
   * The worker's config: burst mode on {@code queue}, leasing the demo's jobs in one call (a
   * prefetch of {@link #NUMBERS}' size); with {@code --model processes}, the children run {@link
   * #WARM_UPS} (then any {@code --child-warm-up}) before they take work.
   *
   * <p>The prefetch matters on SQLite when the jobs keep every core busy (as with {@code --model
   * processes}): with the default, which jobs this long keep at its floor, the worker leases a job
   * or two each time outcomes are recorded, a write transaction on the clock each, and a member
   * whose next job is not leased yet waits for the record and the lease. Leased together, the jobs
   * still start in queue order, one per free member. Jobs that wait in the worker over a second (a
   * loaded machine) are handed back and leased again as members free up, as in any worker.
   */
  static WorkerConfig config(WorkerOptions worker, String queue) {
    WorkerConfig.Builder builder =
        worker.builder().queues(List.of(queue)).burst(true).prefetch(NUMBERS.size());
    if (worker.model == ExecutionModel.PROCESSES) {
      List<WarmUpJob> warmUps = new ArrayList<>();
      warmUps.addAll(WARM_UPS);
      warmUps.addAll(worker.warmUps());
      builder.childWarmUps(warmUps);
    }
    return builder.build();
  }

  /**
   * The flag, else $SEMAFOR_BROKER, else the embedded default if its module is here, else memory.
   */
  private String url(Cli cli) {
    if ((brokerUrl == null || brokerUrl.isBlank()) && cli.env(Brokers.ENV) == null) {
      String scheme = Brokers.DEFAULT_URL.substring(0, Brokers.DEFAULT_URL.indexOf(':'));
      if (!hasProvider(scheme)) {
        cli.err().println("note: SQLite is not built in; running the demo on memory:");
        return "memory:";
      }
    }
    return cli.brokerUrl(brokerUrl);
  }

  private static boolean hasProvider(String scheme) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (BrokerProvider p : ServiceLoader.load(BrokerProvider.class, loader)) {
      if (p.schemes().contains(scheme)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Enqueues the numbers in {@link #ENQUEUE_ORDER} in one call; returns their job ids in the order
   * of {@link #NUMBERS}.
   */
  private static List<String> enqueue(Broker broker, String queue) {
    JobOptions options = JobOptions.defaults().queue(queue);
    List<JobRequest> requests = new ArrayList<>();
    for (long n : ENQUEUE_ORDER) {
      requests.add(new JobRequest(BuiltinTasks.PRIMES, new PrimesInput(n), options));
    }
    List<JobHandle> handles = new Client(broker).enqueueAll(requests);
    Map<Long, String> idOf = new HashMap<>();
    for (int i = 0; i < handles.size(); i++) {
      idOf.put(ENQUEUE_ORDER.get(i), handles.get(i).id());
    }
    List<String> ids = new ArrayList<>();
    for (long n : NUMBERS) {
      ids.add(idOf.get(n));
    }
    return ids;
  }

  /**
   * Runs {@link #WARM_UPS} in this JVM with the codec the worker uses, so that Jackson's one-time
   * setup (a few hundred milliseconds) is not billed to the first number in the table; the children
   * of {@code --model processes} run the same job before they report ready.
   */
  private static void warmUp(TaskRegistry registry) {
    JobExecutor executor = new JobExecutor(registry, Json.defaults());
    for (int i = 0; i < WARM_UPS.size(); i++) {
      Outcome outcome = WARM_UPS.get(i).run(executor, i + 1);
      if (!(outcome instanceof Outcome.Succeeded)) {
        throw new IllegalStateException("the demo's warm-up job did not succeed: " + outcome);
      }
    }
  }

  /**
   * Takes one job through the broker calls the worker makes, before the clock: enqueued, leased as
   * the worker leases (its queue, its tasks), reported started and completed, then deleted (it
   * never runs). On SQLite the first of each call prepares its statements and loads its classes, a
   * few milliseconds for the first lease, which every pool member waits for: here, off the clock,
   * as the warm-up jobs are. Should the lease take another job (one of a killed demo whose lease
   * expired), that one is handed back untouched.
   */
  static void warmUpBroker(Broker broker, WorkerConfig config, TaskRegistry registry) {
    JobHandle job =
        new Client(broker)
            .enqueue(
                BuiltinTasks.PRIMES,
                new PrimesInput(2), // never run: completed with the answer below
                JobOptions.defaults().queue(QUEUE));
    List<Lease> leases =
        broker.lease(
            new LeaseRequest(
                List.of(QUEUE),
                1,
                config.workerId(),
                config.leaseDuration(),
                Set.copyOf(registry.names())));
    for (Lease lease : leases) {
      if (lease.job().id().equals(job.id())) {
        broker.markStarted(List.of(lease.ref()));
        broker.complete(List.of(new Completion(lease.ref(), "{\"n\":2,\"prime\":true}")));
      } else {
        broker.release(List.of(lease.ref()));
      }
    }
    broker.cancel(job.id()); // if it was not leased: waiting still
    broker.delete(job.id());
  }

  /** Nanoseconds as seconds for humans. */
  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / (double) TimeUnit.SECONDS.toNanos(1));
  }
}
