package dev.semafor.cli;

import dev.semafor.Client;
import dev.semafor.Client.JobRequest;
import dev.semafor.JobHandle;
import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.broker.Broker;
import dev.semafor.broker.BrokerProvider;
import dev.semafor.broker.Brokers;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.PrimesInput;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor demo}: the first thing to run. Enqueues twenty primality checks (naive trial
 * division of numbers near 10^16: CPU-bound, about a second each for the primes) on a queue of
 * their own, runs them with an in-process worker, draws a progress bar while they run (on a
 * terminal), then prints which numbers are prime, how long each took and on which thread, and the
 * totals.
 */
@Command(
    name = "demo",
    sortOptions = false,
    description = "Check 20 big numbers for primality with an in-process worker; show the results.")
final class DemoCommand implements Callable<Integer> {
  /** The numbers of the classic experiment. */
  static final List<Long> NUMBERS = dev.semafor.task.BuiltinTasks.DEMO_NUMBERS;

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
    String queue = "demo-" + JobIds.next(Instant.now()).toLowerCase(Locale.ROOT);
    WorkerConfig config = worker.builder().queues(List.of(queue)).burst(true).build();
    DemoListener listener = new DemoListener();
    try (Broker broker = Brokers.open(url)) {
      warmUp();
      List<String> ids = enqueue(broker, queue);
      Worker w =
          new Worker(
              broker,
              TaskRegistry.withBuiltins(),
              config,
              Json.defaults(),
              InstantSource.system(),
              listener);
      long t0 = System.nanoTime();
      w.start();
      ProgressBar bar =
          cli.errIsTerminal() && !json ? new ProgressBar(cli.err(), ids.size()) : null;
      while (!w.awaitTermination(Duration.ofMillis(100))) {
        if (bar != null) {
          bar.draw(listener.finished(), System.nanoTime() - t0);
        }
      }
      long wallNanos = System.nanoTime() - t0;
      if (bar != null) {
        bar.clear();
      }
      DemoReport report = DemoReport.of(broker, ids, listener, url, config, wallNanos);
      if (json) {
        cli.out().println(Output.json(report.toJson()));
      } else {
        report.print(cli.out());
      }
      return report.allSucceeded() ? 0 : Main.FAILURE;
    }
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

  private static List<String> enqueue(Broker broker, String queue) {
    JobOptions options = JobOptions.defaults().queue(queue);
    List<JobRequest> requests = new ArrayList<>();
    for (long n : NUMBERS) {
      requests.add(new JobRequest(BuiltinTasks.PRIMES, new PrimesInput(n), options));
    }
    List<String> ids = new ArrayList<>();
    for (JobHandle h : new Client(broker).enqueueAll(requests)) {
      ids.add(h.id());
    }
    return ids;
  }

  /**
   * Binds one input and writes one result with the codec the worker uses, so that Jackson's
   * one-time setup (a few hundred milliseconds) is not billed to the first number in the table.
   */
  private static void warmUp() {
    Json json = Json.defaults();
    PrimesInput input = json.read(json.write(new PrimesInput(2)), PrimesInput.class);
    json.write(new BuiltinTasks.PrimesResult(input.n(), BuiltinTasks.isPrime(input.n())));
  }

  /** Nanoseconds as seconds for humans. */
  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / (double) TimeUnit.SECONDS.toNanos(1));
  }
}
