package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.broker.Broker;
import dev.semafor.broker.BrokerUrl;
import dev.semafor.broker.JobQuery;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.QueueStats;
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
 * and reporting progress; with {@code --running}, the running jobs one by one.
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
    String url = BrokerUrl.parse(broker.resolve(cli)).redacted();
    List<QueueStats> stats;
    String described;
    List<JobRecord> runningJobs;
    try (Broker b = broker.open(cli)) {
      stats = b.stats();
      described = b.describe();
      runningJobs = b.query(JobQuery.all().states(JobState.RUNNING).page(JobQuery.MAX_LIMIT, 0));
    }
    Map<JobState, Long> totals = new EnumMap<>(JobState.class);
    for (QueueStats q : stats) {
      q.counts().forEach((state, n) -> totals.merge(state, n, Long::sum));
    }
    if (json) {
      ObjectNode root = toJson(described, stats, new QueueStats("", totals));
      root.putObject("running")
          .put("count", runningJobs.size())
          .put("with_progress", withProgress(runningJobs));
      if (running) {
        var list = root.putArray("running_jobs");
        runningJobs.stream().limit(RUNNING_SHOWN).forEach(j -> list.add(JobCommand.toJson(j)));
      }
      cli.out().println(Output.json(root));
    } else {
      printTable(cli, url, stats, new QueueStats("total", totals));
      printRunning(cli, runningJobs);
    }
    return 0;
  }

  private static long withProgress(List<JobRecord> jobs) {
    return jobs.stream().filter(j -> j.progress() > 0 || j.progressMessage() != null).count();
  }

  /** One line about running jobs and their progress; with {@code --running}, one row per job. */
  private void printRunning(Cli cli, List<JobRecord> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    cli.out()
        .printf(
            "running: %s job%s, %s reporting progress%n",
            Output.count(jobs.size()),
            jobs.size() == 1 ? "" : "s",
            Output.count(withProgress(jobs)));
    if (!running) {
      return;
    }
    Table table = new Table("ID", "TASK", "QUEUE", "WORKER", "STARTED", "PROGRESS", "MESSAGE");
    for (JobRecord j : jobs.subList(0, Math.min(jobs.size(), RUNNING_SHOWN))) {
      table.row(
          j.id(),
          j.task(),
          j.queue(),
          j.workerId(),
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
      ObjectNode node = queues.addObject().put("queue", q.queue());
      counts(node, q);
    }
    counts(root.putObject("totals"), totals);
    return root;
  }

  private static void counts(ObjectNode node, QueueStats q) {
    ObjectNode counts = node.putObject("counts");
    for (JobState s : JobState.values()) {
      counts.put(s.name().toLowerCase(Locale.ROOT), q.count(s));
    }
    node.put("total", q.total());
  }

  private static void printTable(Cli cli, String url, List<QueueStats> stats, QueueStats totals) {
    if (stats.isEmpty()) {
      cli.out().println("no jobs in " + url);
      return;
    }
    JobState[] states = JobState.values();
    String[] header = new String[states.length + 2];
    header[0] = "QUEUE";
    for (int i = 0; i < states.length; i++) {
      header[i + 1] = states[i].name();
    }
    header[header.length - 1] = "TOTAL";
    Table table = new Table(header);
    for (QueueStats q : stats) {
      table.row(cells(q));
    }
    if (stats.size() > 1) {
      table.row(cells(totals));
    }
    table.print(cli.out());
  }

  private static Object[] cells(QueueStats q) {
    JobState[] states = JobState.values();
    Object[] cells = new Object[states.length + 2];
    cells[0] = q.queue();
    for (int i = 0; i < states.length; i++) {
      cells[i + 1] = Output.count(q.count(states[i]));
    }
    cells[cells.length - 1] = Output.count(q.total());
    return cells;
  }
}
