package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.TaskCount;
import dev.semafor.spi.WorkerInfo;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor status}: how many jobs each queue holds in each state, and how many are running
 * and reporting progress; with {@code --running}, the running jobs one by one. Leased is not
 * running: {@code LEASED} counts jobs a worker has leased that still wait in its local queue, and
 * {@code RUNNING} only those it started. Jobs that wait for a task no live worker has (or in a
 * queue no live worker takes) are listed below the table. A paused queue is marked so ({@code
 * semafor queue pause}).
 */
@Command(name = "status", description = "Show job counts per queue and state.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  private boolean json;

  @Option(
      names = "--running",
      description = "Also list the running jobs (up to " + RUNNING_SHOWN + ") with their progress.")
  private boolean running;

  static final int RUNNING_SHOWN = 100;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    String url = broker.redacted(cli);
    List<QueueStats> stats;
    String described;
    List<JobRecord> runningJobs;
    List<TaskCount> unserved;
    try (Broker b = broker.openExisting(cli)) {
      stats = b.stats();
      described = b.describe();
      runningJobs = b.query(JobQuery.all().states(JobState.RUNNING).page(JobQuery.MAX_LIMIT, 0));
      unserved = unserved(b);
    }
    Map<JobState, Long> totals = new EnumMap<>(JobState.class);
    long leased = 0;
    for (QueueStats q : stats) {
      q.counts().forEach((state, n) -> totals.merge(state, n, Long::sum));
      leased += q.leased();
    }
    List<JobRecord> started = runningJobs.stream().filter(JobRecord::started).toList();
    if (json) {
      ObjectNode root = toJson(described, stats, new QueueStats("", totals, leased));
      root.putObject("running")
          .put("count", started.size())
          .put("with_progress", withProgress(started))
          .put("leased", runningJobs.size() - started.size());
      ArrayNode waiting = root.putArray("unserved");
      for (TaskCount c : unserved) {
        waiting.addObject().put("queue", c.queue()).put("task", c.task()).put("queued", c.queued());
      }
      if (running) {
        var list = root.putArray("running_jobs");
        runningJobs.stream().limit(RUNNING_SHOWN).forEach(j -> list.add(JobCommand.toJson(j)));
      }
      cli.out().println(Output.json(root));
    } else {
      printTable(cli, url, stats, new QueueStats("total", totals, leased));
      printRunning(cli, runningJobs, started);
      printUnserved(cli, unserved);
    }
    return 0;
  }

  /** Waiting jobs no live worker can run; empty if the broker cannot tell. */
  private static List<TaskCount> unserved(Broker b) {
    try {
      Instant now = Instant.now();
      List<WorkerInfo> live =
          b.workers().stream().filter(w -> !w.isGone(now, WorkerInfo.DEFAULT_GONE_AFTER)).toList();
      return TaskCount.unserved(b.queuedTasks(), live);
    } catch (UnsupportedOperationException e) {
      return List.of();
    }
  }

  private static void printUnserved(Cli cli, List<TaskCount> unserved) {
    if (unserved.isEmpty()) {
      return;
    }
    cli.out().println("waiting for a task no live worker has:");
    Table table = new Table("QUEUE", "TASK", "QUEUED");
    for (TaskCount c : unserved) {
      table.row(c.queue(), c.task(), Output.count(c.queued()));
    }
    table.print(cli.out());
  }

  private static long withProgress(List<JobRecord> jobs) {
    return jobs.stream().filter(j -> j.progress() > 0 || j.progressMessage() != null).count();
  }

  /**
   * One line about running jobs and their progress, and the leased ones still waiting; with {@code
   * --running}, one row per job.
   */
  private void printRunning(Cli cli, List<JobRecord> jobs, List<JobRecord> started) {
    if (jobs.isEmpty()) {
      return;
    }
    cli.out()
        .printf(
            "running: %s job%s, %s reporting progress; %s leased, waiting to start%n",
            Output.count(started.size()),
            started.size() == 1 ? "" : "s",
            Output.count(withProgress(started)),
            Output.count(jobs.size() - started.size()));
    if (!running) {
      return;
    }
    Table table =
        new Table("ID", "TASK", "QUEUE", "WORKER", "PHASE", "LEASED AT", "PROGRESS", "MESSAGE");
    for (JobRecord j : jobs.subList(0, Math.min(jobs.size(), RUNNING_SHOWN))) {
      table.row(
          j.id(),
          j.task(),
          j.queue(),
          j.workerId(),
          j.started() ? "running" : "leased",
          Output.iso(j.startedAt()),
          String.format(Locale.ROOT, "%.0f%%", j.progress() * 100),
          j.progressMessage() == null ? "" : j.progressMessage());
    }
    table.print(cli.out());
  }

  private static ObjectNode toJson(String broker, List<QueueStats> stats, QueueStats totals) {
    ObjectNode root = Output.object().put("broker", broker);
    ArrayNode queues = root.putArray("queues");
    for (QueueStats q : stats) {
      ObjectNode node = queues.addObject().put("queue", q.queue()).put("paused", q.paused());
      counts(node, q);
    }
    counts(root.putObject("totals"), totals);
    return root;
  }

  private static void counts(ObjectNode node, QueueStats q) {
    ObjectNode counts = node.putObject("counts");
    q.shownCounts().forEach(counts::put);
    node.put("total", q.total());
  }

  private static void printTable(Cli cli, String url, List<QueueStats> stats, QueueStats totals) {
    if (stats.isEmpty()) {
      cli.out().println("no jobs in " + url);
      return;
    }
    List<String> header = new java.util.ArrayList<>();
    header.add("QUEUE");
    for (String state : totals.shownCounts().keySet()) {
      header.add(state.toUpperCase(Locale.ROOT));
    }
    header.add("TOTAL");
    Table table = new Table(header.toArray(String[]::new));
    for (QueueStats q : stats) {
      table.row(cells(q));
    }
    if (stats.size() > 1) {
      table.row(cells(totals));
    }
    table.print(cli.out());
  }

  private static Object[] cells(QueueStats q) {
    List<Object> cells = new java.util.ArrayList<>();
    cells.add(q.paused() ? q.queue() + " (paused)" : q.queue());
    for (long n : q.shownCounts().values()) {
      cells.add(Output.count(n));
    }
    cells.add(Output.count(q.total()));
    return cells.toArray();
  }
}
