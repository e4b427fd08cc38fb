package dev.semafor.cli;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.task.ExecutionLog;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One chaos run: K worker processes drain N jobs of {@code semafor.chaos} while one of them, chosen
 * at random among those that have started, is killed with SIGKILL at every interval and replaced.
 * Each job records its execution in an {@link ExecutionLog} outside the broker, so the run can tell
 * what the broker says happened from what did: a job is <em>lost</em> if it did not end {@code
 * SUCCEEDED} or never ran to its end; it ran <em>twice</em> if its id is in the log twice.
 *
 * <p>At-least-once delivery allows duplicates only for jobs a killed worker held: the run counts,
 * right after each kill, the jobs the broker still shows {@code RUNNING} under the killed worker's
 * id (no lease can be taken by a dead process, and none of them is reaped before its lease runs
 * out), and their sum is the bound duplicates must stay under.
 */
final class Chaos {
  /** How often the run looks at the broker and redraws its progress. */
  private static final Duration TICK = Duration.ofMillis(100);

  /** What a run is asked to do. */
  record Settings(
      String brokerUrl,
      int jobs,
      int workers,
      ExecutionModel model,
      int concurrency,
      Duration killEvery,
      Duration duration,
      Duration jobTime,
      Duration lease,
      Duration drainTimeout,
      int maxAttempts,
      long seed,
      Path folder) {}

  /** What a run measured. */
  record Report(
      int jobs,
      long succeeded,
      long lost,
      long duplicates,
      long duplicateBound,
      int kills,
      double drainSeconds,
      boolean drained,
      List<String> lostSample) {
    boolean kept() {
      return lost == 0 && duplicates <= duplicateBound;
    }
  }

  private final Settings settings;
  private final Broker broker;
  private final String queue;
  private final Path log;
  private final Random random;
  private final List<WorkerProcess> live = new ArrayList<>();
  private int started;

  Chaos(Settings settings, Broker broker, String queue) {
    this.settings = settings;
    this.broker = broker;
    this.queue = queue;
    this.log = settings.folder().resolve("executions.log");
    this.random = new Random(settings.seed());
  }

  /** Runs it; {@code progress} gets the SUCCEEDED count about ten times a second. */
  Report run(Consumer<Long> progress) throws IOException, InterruptedException {
    enqueue();
    int kills = 0;
    long bound = 0;
    long t0;
    try {
      for (int i = 0; i < settings.workers(); i++) {
        live.add(startWorker());
      }
      t0 = awaitFirstWorker();
      long nextKill = t0 + settings.killEvery().toNanos();
      long killsEnd = t0 + settings.duration().toNanos();
      long deadline = killsEnd + settings.drainTimeout().toNanos();
      long succeeded;
      while ((succeeded = succeeded()) < settings.jobs() && System.nanoTime() < deadline) {
        progress.accept(succeeded);
        long now = System.nanoTime();
        if (now >= nextKill && now < killsEnd) {
          long held = killOne();
          if (held >= 0) {
            bound += held;
            kills++;
            nextKill = now + settings.killEvery().toNanos();
          }
        }
        replaceExited();
        TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
      }
      progress.accept(succeeded);
    } finally {
      stopAll();
    }
    double drainSeconds = (System.nanoTime() - t0) / 1e9;
    return report(kills, bound, drainSeconds);
  }

  /**
   * Waits until a worker has registered with the broker and returns that moment: the run's clock
   * (the kills' duration, the drain time) starts there, not while the JVMs start.
   */
  private long awaitFirstWorker() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> ids = new HashSet<>();
      live.forEach(w -> ids.add(w.id()));
      if (broker.workers().stream().anyMatch(w -> ids.contains(w.id()))) {
        return System.nanoTime();
      }
      replaceExited();
      TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
    }
    throw new IllegalStateException(
        "no worker started within "
            + Output.duration(settings.drainTimeout())
            + "; their logs: "
            + settings.folder());
  }

  private void enqueue() {
    JobOptions options = JobOptions.defaults().queue(queue).maxAttempts(settings.maxAttempts());
    JobRequest request =
        new JobRequest(
            ExecutionLog.TASK, new ExecutionLog.Input(settings.jobTime().toMillis()), options);
    Client client = new Client(broker);
    for (int done = 0; done < settings.jobs(); ) {
      int n = Math.min(1_000, settings.jobs() - done);
      client.enqueueAll(Collections.nCopies(n, request));
      done += n;
    }
  }

  private long succeeded() {
    for (QueueStats stats : broker.stats()) {
      if (stats.queue().equals(queue)) {
        return stats.count(JobState.SUCCEEDED);
      }
    }
    return 0;
  }

  /**
   * Kills a random worker that has started (registered with the broker) with SIGKILL and starts its
   * replacement; returns the jobs it held, or -1 if no worker has started yet (the kill waits: a
   * process killed while its JVM starts proves nothing).
   */
  private long killOne() throws IOException, InterruptedException {
    Set<String> registered = new HashSet<>();
    broker.workers().forEach(w -> registered.add(w.id()));
    List<WorkerProcess> running =
        live.stream().filter(w -> registered.contains(w.id()) && w.process().isAlive()).toList();
    if (running.isEmpty()) {
      return -1;
    }
    WorkerProcess victim = running.get(random.nextInt(running.size()));
    live.remove(victim);
    victim.process().destroyForcibly(); // SIGKILL on Linux
    victim.process().waitFor();
    long held = heldBy(victim.id());
    live.add(startWorker());
    return held;
  }

  /** The jobs the broker shows RUNNING under {@code workerId}. */
  private long heldBy(String workerId) {
    long held = 0;
    JobQuery running = JobQuery.all().queue(queue).states(JobState.RUNNING);
    for (int offset = 0; ; offset += JobQuery.MAX_LIMIT) {
      List<JobRecord> page = broker.query(running.page(JobQuery.MAX_LIMIT, offset));
      held += page.stream().filter(j -> workerId.equals(j.workerId())).count();
      if (page.size() < JobQuery.MAX_LIMIT) {
        return held;
      }
    }
  }

  /** A worker that exited on its own (it should not) is replaced, so the drain goes on. */
  private void replaceExited() throws IOException {
    for (int i = 0; i < live.size(); i++) {
      if (!live.get(i).process().isAlive()) {
        live.set(i, startWorker());
      }
    }
  }

  private WorkerProcess startWorker() throws IOException {
    String id = "chaos-" + ProcessHandle.current().pid() + "-" + (++started);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "worker",
            "--broker",
            settings.brokerUrl(),
            "--queues",
            queue,
            "--model",
            settings.model().label(),
            "--concurrency",
            Integer.toString(settings.concurrency()),
            "--lease",
            settings.lease().toMillis() + "ms",
            "--id",
            id);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(settings.folder().resolve(id + ".log").toFile()));
    builder.environment().put(ExecutionLog.ENV, log.toString());
    return new WorkerProcess(id, builder.start());
  }

  private void stopAll() throws InterruptedException {
    for (WorkerProcess w : live) {
      w.process().destroy(); // SIGTERM: a graceful stop
    }
    for (WorkerProcess w : live) {
      if (!w.process().waitFor(30, TimeUnit.SECONDS)) {
        w.process().destroyForcibly().waitFor();
      }
    }
    live.clear();
  }

  private Report report(int kills, long bound, double drainSeconds) throws IOException {
    Map<String, Integer> executions = ExecutionLog.read(log);
    long duplicates = 0;
    for (int count : executions.values()) {
      duplicates += count - 1;
    }
    Set<String> succeeded = new HashSet<>();
    List<String> lost = new ArrayList<>();
    JobQuery all = JobQuery.all().queue(queue);
    for (int offset = 0; ; offset += JobQuery.MAX_LIMIT) {
      List<JobRecord> page = broker.query(all.page(JobQuery.MAX_LIMIT, offset));
      for (JobRecord job : page) {
        if (job.state() == JobState.SUCCEEDED && executions.containsKey(job.id())) {
          succeeded.add(job.id());
        } else {
          lost.add(job.id());
        }
      }
      if (page.size() < JobQuery.MAX_LIMIT) {
        break;
      }
    }
    // a job the broker no longer lists at all (it should) is lost too
    long missing = Math.max(0, settings.jobs() - succeeded.size() - lost.size());
    return new Report(
        settings.jobs(),
        succeeded.size(),
        lost.size() + missing,
        duplicates,
        bound,
        kills,
        drainSeconds,
        lost.isEmpty() && missing == 0,
        lost.subList(0, Math.min(5, lost.size())));
  }

  /** Deletes the run's folder: the execution log and the workers' logs. */
  static void deleteFolder(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (var files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(folder);
  }

  private record WorkerProcess(String id, Process process) {}
}
