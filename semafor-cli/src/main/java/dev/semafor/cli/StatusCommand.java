package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.broker.Broker;
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

/** {@code semafor status}: how many jobs each queue holds in each state. */
@Command(name = "status", description = "Show job counts per queue and state.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  private boolean json;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    String url = broker.resolve(cli);
    List<QueueStats> stats;
    String described;
    try (Broker b = broker.open(cli)) {
      stats = b.stats();
      described = b.describe();
    }
    Map<JobState, Long> totals = new EnumMap<>(JobState.class);
    for (QueueStats q : stats) {
      q.counts().forEach((state, n) -> totals.merge(state, n, Long::sum));
    }
    if (json) {
      cli.out().println(Output.json(toJson(described, stats, new QueueStats("", totals))));
    } else {
      printTable(cli, url, stats, new QueueStats("total", totals));
    }
    return 0;
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
