package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.Names;
import dev.semafor.SemaforException;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.server.JobViews;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor retry ID...} or {@code semafor retry --task T [--queue Q] [--state dead]}: puts
 * dead (or cancelled) jobs back on their queues, attempts reset, last error kept. A job whose
 * unique key another active job holds stays where it is, with one line on stderr naming the holder;
 * the command then exits 2, as it does when any named job could not be retried.
 */
@Command(
    name = "retry",
    description = {
      "Put dead or cancelled jobs back on their queues (attempts reset, last error kept).",
      "By id, or every job matching --task/--queue/--state."
    })
final class RetryCommand implements Callable<Integer> {
  private static final int PAGE = 1_000;

  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Parameters(arity = "0..*", paramLabel = "ID", description = "Job ids.")
  private List<String> ids = List.of();

  @Option(names = "--task", paramLabel = "T", description = "Retry every matching job of task T.")
  private String task;

  @Option(names = "--queue", paramLabel = "Q", description = "Only jobs of queue Q.")
  private String queue;

  @Option(
      names = "--state",
      paramLabel = "dead|cancelled",
      description = "Which jobs to retry by query (default: dead).")
  private String state;

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"retried\": N, \"refused\": N}, by id also \"jobs\":"
              + " [{\"id\", \"retried\"}]; refusals still get a line on stderr.")
  private boolean json;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    boolean byQuery = task != null || queue != null || state != null;
    if (ids.isEmpty() == !byQuery) {
      throw new IllegalArgumentException(
          ids.isEmpty()
              ? "name job ids, or select jobs with --task, --queue and --state"
              : "give job ids or --task/--queue/--state, not both");
    }
    try (Broker b = broker.openExisting(cli)) {
      return byQuery ? retryMatching(cli, b) : retryIds(cli, b);
    }
  }

  private int retryIds(Cli cli, Broker b) {
    int refused = 0;
    List<String> why = new ArrayList<>();
    ArrayNode jobs = Output.object().putArray("jobs");
    for (String id : ids) {
      boolean retried = false;
      try {
        retried = b.retry(id);
      } catch (UniqueKeyConflictException e) {
        refused++;
        why.add(e.getMessage());
        jobs.addObject().put("id", id).put("retried", false);
        continue;
      }
      jobs.addObject().put("id", id).put("retried", retried);
      if (retried) {
        if (!json) {
          cli.out().println(id + " queued again");
        }
        continue;
      }
      refused++;
      why.add(
          b.get(id)
              .map(
                  r ->
                      Names.printable(id)
                          + " is "
                          + JobViews.state(r.state())
                          + "; only dead or cancelled jobs can be retried")
              .orElse("no job with id '" + Names.printable(id) + "' in " + b.describe()));
    }
    if (json) {
      ObjectNode root = summary(ids.size() - refused, refused);
      root.set("jobs", jobs);
      cli.out().println(Output.json(root));
    }
    if (refused == 1 && ids.size() == 1) { // nothing was done: one line saying why
      throw new SemaforException(why.get(0));
    }
    why.forEach(line -> cli.err().println("semafor retry: " + line));
    if (refused == ids.size()) {
      throw new SemaforException("nothing retried");
    }
    return refused > 0 ? Main.USAGE : 0;
  }

  private int retryMatching(Cli cli, Broker b) {
    JobState which = parseState();
    JobQuery query = JobQuery.all().task(task).queue(queue).states(which);
    Set<String> seen = new HashSet<>();
    int retried = 0;
    int held = 0;
    while (true) {
      // Retried jobs leave the state and held ones stay, so past the held ones each page holds
      // new jobs until none is left.
      List<JobRecord> page = b.query(query.page(PAGE, held));
      int fresh = 0;
      for (JobRecord r : page) {
        if (seen.add(r.id())) {
          fresh++;
          try {
            if (b.retry(r.id())) {
              retried++;
            }
          } catch (UniqueKeyConflictException e) {
            held++;
            cli.err().println("semafor retry: " + e.getMessage());
          }
        }
      }
      if (fresh == 0) {
        break;
      }
    }
    if (json) {
      cli.out()
          .println(
              Output.json(
                  summary(retried, held).put("state", which.name().toLowerCase(Locale.ROOT))));
      return held > 0 ? Main.USAGE : 0;
    }
    cli.out()
        .println(
            "retried "
                + Output.count(retried)
                + " "
                + which.name().toLowerCase(Locale.ROOT)
                + " job"
                + (retried == 1 ? "" : "s")
                + (task == null ? "" : " of task '" + task + "'")
                + (queue == null ? "" : " on queue '" + queue + "'")
                + (held == 0
                    ? ""
                    : "; "
                        + Output.count(held)
                        + " left "
                        + which.name().toLowerCase(Locale.ROOT)
                        + ": another job holds "
                        + (held == 1 ? "its" : "their")
                        + " unique key"));
    return held > 0 ? Main.USAGE : 0;
  }

  private static ObjectNode summary(int retried, int refused) {
    return Output.object().put("retried", retried).put("refused", refused);
  }

  private JobState parseState() {
    if (state == null) {
      return JobState.DEAD;
    }
    return switch (state.toLowerCase(Locale.ROOT)) {
      case "dead" -> JobState.DEAD;
      case "cancelled", "canceled" -> JobState.CANCELLED;
      default ->
          throw new IllegalArgumentException(
              "--state must be dead or cancelled (only those can be retried): " + state);
    };
  }
}
