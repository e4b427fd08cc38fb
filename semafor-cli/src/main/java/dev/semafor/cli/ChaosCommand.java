package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobIds;
import dev.semafor.ProgressBar;
import dev.semafor.spi.Broker;
import dev.semafor.worker.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor chaos}: proves the delivery promise by breaking workers on purpose. Starts K
 * worker processes on a queue of its own, enqueues N jobs that record each execution outside the
 * broker, kills a random worker with SIGKILL at every interval (and starts a replacement) until the
 * duration is over, waits for the drain, and reports lost jobs (must be 0) and duplicate executions
 * beside the bound they must stay under. Exit code 0 when both hold, 1 when either does not. See
 * {@link Chaos}.
 */
@Command(
    name = "chaos",
    sortOptions = false,
    description =
        "Kill worker processes while they drain jobs; report lost jobs and duplicate executions.")
final class ChaosCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Option(names = "--jobs", paramLabel = "N", description = "Jobs to run (default: 10000).")
  private int jobs = 10_000;

  @Option(
      names = "--workers",
      paramLabel = "K",
      description = "Worker processes running at once (default: 3).")
  private int workers = 3;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "MODEL",
      converter = ModelConverter.class,
      description = "The workers' execution model (default: threads).")
  private ExecutionModel model = ExecutionModel.THREADS;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description = "Jobs at once in each worker (default: 4).")
  private int concurrency = 4;

  @Option(
      names = "--kill-every",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "SIGKILL a random worker this often (default: 2s).")
  private Duration killEvery = Duration.ofSeconds(2);

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Kill workers for this long, then let them drain (default: 2m).")
  private Duration duration = Duration.ofMinutes(2);

  @Option(
      names = "--job-time",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long each job works (default: 5ms).")
  private Duration jobTime = Duration.ofMillis(5);

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "The workers' lease: a killed worker's jobs run again after it (default: 5s).")
  private Duration lease = Duration.ofSeconds(5);

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "After the kills, how long the jobs left may take before they count as lost (default:"
              + " 5m).")
  private Duration drainTimeout = Duration.ofMinutes(5);

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description = "Attempts each job has; kills use them up (default: 25).")
  private int maxAttempts = 25;

  @Option(names = "--seed", paramLabel = "N", description = "Seed for choosing whom to kill.")
  private long seed = System.nanoTime();

  @Option(
      names = "--keep-logs",
      description = "Keep the execution log and the workers' logs (their folder is printed).")
  private boolean keepLogs;

  @Option(names = "--json", description = "Print one JSON object.")
  private boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    check();
    Cli cli = root.cli();
    Logging.quietUnless(root.verbose());
    String url = broker.resolve(cli);
    if (url.startsWith("memory:")) {
      throw new IllegalArgumentException(
          "chaos needs a broker that worker processes share (sqlite:FILE, postgres://…,"
              + " redis://…), not "
              + url);
    }
    String queue = "chaos-" + JobIds.next(Instant.now()).toLowerCase(Locale.ROOT);
    Path folder = Files.createTempDirectory("semafor-chaos-");
    Chaos.Settings settings =
        new Chaos.Settings(
            url,
            jobs,
            workers,
            model,
            concurrency,
            killEvery,
            duration,
            jobTime,
            lease,
            drainTimeout,
            maxAttempts,
            seed,
            folder);
    Chaos.Report report;
    try (Broker b = broker.open(cli)) {
      ProgressBar bar = new ProgressBar(cli.err(), cli.errIsTerminal() && !json, jobs);
      report = new Chaos(settings, b, queue).run(done -> bar.update((int) Math.min(done, jobs)));
      bar.clear();
    } catch (RuntimeException | IOException e) {
      keepLogs = true; // the workers' logs say why
      throw e;
    } finally {
      if (!keepLogs) {
        Chaos.deleteFolder(folder);
      }
    }
    if (json) {
      cli.out().println(Output.json(toJson(report, url, queue)));
    } else {
      print(cli.out(), report, url);
    }
    if (keepLogs) {
      cli.err().println("chaos: logs in " + folder);
    }
    if (!report.kept()) {
      cli.err()
          .println(
              "chaos: the guarantee did not hold: "
                  + report.lost()
                  + " lost, "
                  + report.duplicates()
                  + " duplicate executions (bound "
                  + report.duplicateBound()
                  + ")");
      return Main.FAILURE;
    }
    return 0;
  }

  private void check() {
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be at least 1: " + jobs);
    }
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("--workers must be in 1..64: " + workers);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("--concurrency must be at least 1: " + concurrency);
    }
    if (model == ExecutionModel.SEQUENTIAL && concurrency != 1) {
      concurrency = 1;
    }
    if (killEvery.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException(
          "--kill-every must be at least 100ms: " + Durations.format(killEvery));
    }
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--lease must be at least 1s: " + Durations.format(lease));
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("--max-attempts must be at least 1: " + maxAttempts);
    }
  }

  private ObjectNode toJson(Chaos.Report r, String url, String queue) {
    ObjectNode node =
        Output.object()
            .put("broker", url)
            .put("queue", queue)
            .put("model", model.label())
            .put("workers", workers)
            .put("concurrency", concurrency)
            .put("jobs", r.jobs())
            .put("succeeded", r.succeeded())
            .put("lost", r.lost())
            .put("duplicate_executions", r.duplicates())
            .put("duplicate_bound", r.duplicateBound())
            .put("kills", r.kills())
            .put("drain_seconds", Output.millis(r.drainSeconds()))
            .put("guarantee_held", r.kept());
    ArrayNode sample = node.putArray("lost_sample");
    r.lostSample().forEach(sample::add);
    return node;
  }

  private void print(PrintWriter out, Chaos.Report r, String url) {
    out.printf(
        "chaos: %s jobs on %s, %d workers (%s x %d), a SIGKILL every %s for %s%n",
        Output.count(r.jobs()),
        url,
        workers,
        model.label(),
        concurrency,
        Output.duration(killEvery),
        Output.duration(duration));
    out.printf("  succeeded   %s%n", Output.count(r.succeeded()));
    out.printf("  lost        %s%n", Output.count(r.lost()));
    out.printf(
        "  duplicates  %s executions (bound: %s jobs held by killed workers)%n",
        Output.count(r.duplicates()), Output.count(r.duplicateBound()));
    out.printf("  kills       %d%n", r.kills());
    out.printf(
        "  drained in  %s%n", Output.duration(Duration.ofMillis((long) (r.drainSeconds() * 1000))));
  }
}
