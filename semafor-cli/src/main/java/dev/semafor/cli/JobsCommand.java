package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.server.BulkJobs;
import dev.semafor.server.JobViews;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor jobs}: lists and searches jobs (by state, queue, task, concurrency key and enqueue
 * time), newest first, a page at a time; {@code semafor jobs cancel|retry|delete} act on every job
 * the same filters select, after saying how many and asking (unless {@code --yes}).
 */
@Command(
    name = "jobs",
    description = {
      "List and search jobs, newest first; cancel, retry or delete every job that matches.",
      "For example:",
      "  semafor jobs --state dead --queue emails",
      "  semafor jobs retry --state dead --yes"
    },
    subcommands = {JobsCommand.Cancel.class, JobsCommand.Retry.class, JobsCommand.Delete.class})
final class JobsCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;
  @Mixin private JobFilters filters;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Jobs per page (default: 50, at most 10000).")
  private int limit = 50;

  @Option(names = "--page", paramLabel = "P", description = "Which page, from 1 (default: 1).")
  private int page = 1;

  @Option(names = "--json", description = "Print one JSON object.")
  private boolean json;

  @Override
  public Integer call() {
    if (limit < 1 || limit > JobQuery.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "--limit must be in 1.." + JobQuery.MAX_LIMIT + ": " + limit);
    }
    if (page < 1) {
      throw new IllegalArgumentException("--page must be at least 1: " + page);
    }
    Cli cli = root.cli();
    JobQuery query = filters.query(Instant.now());
    List<JobRecord> jobs;
    boolean more;
    try (Broker b = broker.openExisting(cli)) {
      // one more than the page, to tell whether another page follows
      long offset = (long) (page - 1) * limit;
      if (offset > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("--page " + page + " is past any job");
      }
      int fetch = Math.min(JobQuery.MAX_LIMIT, limit + 1);
      jobs = b.query(query.page(fetch, (int) offset));
      more = jobs.size() > limit;
      if (more) {
        jobs = jobs.subList(0, limit);
      }
    }
    if (json) {
      ObjectNode node = Output.object().put("page", page).put("limit", limit);
      node.put("count", jobs.size()).put("has_more", more);
      ArrayNode list = node.putArray("jobs");
      jobs.forEach(j -> list.add(JobCommand.toJson(j)));
      cli.out().println(Output.json(node));
      return 0;
    }
    if (jobs.isEmpty()) {
      cli.out().println(page == 1 ? "no " + filters.describe() : "no jobs on page " + page);
      return 0;
    }
    Table table = new Table("ID", "STATE", "QUEUE", "TASK", "ATTEMPTS", "ENQUEUED", "ERROR");
    table.align("lllllll");
    for (JobRecord j : jobs) {
      table.row(
          j.id(),
          JobViews.state(j.state()),
          j.queue(),
          j.task(),
          j.attempts() + "/" + j.maxAttempts(),
          Output.iso(j.enqueuedAt()),
          j.error() == null ? "" : oneLine(j.error().message()));
    }
    table.print(cli.out());
    if (more) {
      cli.out().println("more on page " + (page + 1) + " (--page " + (page + 1) + ")");
    }
    return 0;
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }

  /** The shared body of cancel, retry and delete: select, count, confirm, act, report. */
  abstract static class Bulk implements Callable<Integer> {
    @ParentCommand JobsCommand parent;
    @Mixin BrokerOption broker;
    @Mixin JobFilters filters;

    @Option(names = "--yes", description = "Do it without asking.")
    boolean yes;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** What it does to each job: the HTTP API's bulk action of the same name. */
    abstract BulkJobs.Action action();

    /** The verb, as in "cancel 12 jobs". */
    private String verb() {
      return action().verb();
    }

    /** The past tense, as in "12 jobs cancelled". */
    private String done() {
      return action().done();
    }

    @Override
    public Integer call() throws IOException {
      Cli cli = parent.root.cli();
      if (!filters.any()) {
        throw new IllegalArgumentException(
            "select the jobs to "
                + verb()
                + " with --state, --queue, --task, --key, --concurrency-key, --since, --from or --to"
                + " (every job at once is never implied)");
      }
      JobQuery query = filters.query(Instant.now());
      try (Broker b = broker.openExisting(cli)) {
        List<JobRecord> jobs = BulkJobs.all(b, query);
        if (jobs.isEmpty()) {
          report(cli, 0, 0, 0);
          return 0;
        }
        String question = verb() + " " + Output.count(jobs.size()) + " " + filters.describe() + "?";
        if (!yes && !confirm(cli, question)) {
          cli.err().println("semafor jobs " + verb() + ": nothing done");
          return Main.USAGE;
        }
        int changed = 0;
        int skipped = 0;
        BulkJobs.Action action = action();
        for (JobRecord job : jobs) {
          if (action.apply(b, job)) {
            changed++;
          } else {
            skipped++;
          }
        }
        report(cli, jobs.size(), changed, skipped);
      }
      return 0;
    }

    private void report(Cli cli, int matched, int changed, int skipped) {
      if (json) {
        cli.out()
            .println(
                Output.json(
                    Output.object()
                        .put("action", verb())
                        .put("matched", matched)
                        .put(done(), changed)
                        .put("skipped", skipped)));
        return;
      }
      cli.out()
          .println(
              Output.count(changed)
                  + " of "
                  + Output.count(matched)
                  + " "
                  + filters.describe()
                  + " "
                  + done()
                  + (skipped == 0 ? "" : "; " + Output.count(skipped) + " left as they were"));
    }

    /** Asks on the terminal; without one, says how to go on and answers no. */
    private static boolean confirm(Cli cli, String question) throws IOException {
      if (!stdinIsTerminal()) {
        cli.err()
            .println("semafor jobs: " + question + " Add --yes to go ahead (no terminal to ask).");
        return false;
      }
      cli.err().print(question + " [y/N] ");
      cli.err().flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String answer = in.readLine();
      return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
    }

    private static boolean stdinIsTerminal() {
      try {
        String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
  }

  @Command(
      name = "cancel",
      description =
          "Cancel every matching job: waiting ones at once, running ones at their next"
              + " heartbeat.")
  static final class Cancel extends Bulk {
    @Override
    BulkJobs.Action action() {
      return BulkJobs.Action.CANCEL;
    }
  }

  @Command(
      name = "retry",
      description = "Put every matching dead or cancelled job back on its queue.")
  static final class Retry extends Bulk {
    @Override
    BulkJobs.Action action() {
      return BulkJobs.Action.RETRY;
    }
  }

  @Command(
      name = "delete",
      description = "Delete every matching finished job (succeeded, dead or cancelled).")
  static final class Delete extends Bulk {
    @Override
    BulkJobs.Action action() {
      return BulkJobs.Action.DELETE;
    }
  }
}
