package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.SemaforException;
import dev.semafor.client.Client;
import dev.semafor.server.JobLogsApi;
import dev.semafor.server.JobViews;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.LogLine;
import dev.semafor.worker.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor job ID [--wait DURATION]}: one job as the broker has it, its limits, group and
 * progress included, and the lines its task logged ({@code ctx.log}); with {@code --wait}, once it
 * has finished.
 */
@Command(name = "job", description = "Show one job: state, attempts, times, result or error.")
final class JobCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Parameters(index = "0", paramLabel = "ID", description = "The job's id.")
  private String id;

  @Option(names = "--json", description = "Print one JSON object.")
  private boolean json;

  @Option(names = "--stack", description = "Show the error's stack trace (text output).")
  private boolean stack;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Wait up to DURATION for the job to finish (exit 2 with one line if it has not).")
  private Duration wait;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    JobRecord job;
    List<LogLine> logs;
    try (Broker b = broker.openExisting(cli)) {
      job =
          b.get(id)
              .orElseThrow(
                  () -> new SemaforException("no job with id '" + id + "' in " + b.describe()));
      if (wait != null && !job.state().isFinished()) {
        job = awaitFinish(b);
      }
      logs = b.logs(id);
    }
    if (json) {
      ObjectNode view = toJson(job);
      view.set("logs", JobLogsApi.logs(logs));
      cli.out().println(Output.json(view));
    } else {
      print(cli.out(), job);
      printLogs(cli.out(), logs);
    }
    return 0;
  }

  private JobRecord awaitFinish(Broker b) {
    try {
      return new Client(b).handle(id).await(wait);
    } catch (TimeoutException e) {
      String state = b.get(id).map(r -> JobViews.state(r.state())).orElse("gone");
      throw new SemaforException(
          "job " + id + " is still " + state + " after " + Durations.format(wait));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SemaforException("interrupted while waiting for job " + id);
    }
  }

  /** The job as JSON: the one job view, the same as {@code GET /api/v1/jobs/{id}}. */
  static ObjectNode toJson(JobRecord job) {
    return JobViews.job(job);
  }

  private void print(PrintWriter out, JobRecord job) {
    line(out, "id", job.id());
    line(out, "task", job.task());
    line(out, "queue", job.queue() + " (priority " + job.priority() + ")");
    line(
        out,
        "state",
        job.isLeasedWaiting() ? "running (leased, waiting to start)" : JobViews.state(job.state()));
    line(out, "attempts", job.attempts() + " of " + job.maxAttempts());
    line(out, "enqueued", Output.iso(job.enqueuedAt()));
    if (!job.runAt().equals(job.enqueuedAt())) {
      line(out, "run at", Output.iso(job.runAt()));
    }
    line(out, "started", Output.iso(job.startedAt()));
    line(out, "finished", Output.iso(job.finishedAt()));
    line(out, "worker", job.workerId());
    line(out, "limits", limits(job));
    if (job.uniqueKey() != null) {
      line(
          out,
          "unique",
          job.uniqueKey() + " (" + job.uniquePolicy().name().toLowerCase(Locale.ROOT) + ")");
    }
    if (job.groupId() != null) {
      line(out, "group", job.groupId() + " (member " + job.groupIndex() + ")");
    }
    if (job.cancelRequested() && !job.state().isFinished()) {
      line(out, "cancel", "requested; the worker stops the job within about a second");
    }
    if (job.progress() > 0 || job.progressMessage() != null) {
      String message = job.progressMessage() == null ? "" : " " + job.progressMessage();
      line(out, "progress", String.format(Locale.ROOT, "%.0f%%", job.progress() * 100) + message);
    }
    line(out, "input", job.input());
    line(out, "result", job.result());
    if (job.error() != null) {
      line(out, "error", job.error().toString());
      if (stack && !job.error().stackTrace().isEmpty()) {
        out.println(job.error().stackTrace().stripTrailing());
      }
    }
  }

  /** The job's log lines, oldest first, each with its time; nothing if it wrote none. */
  private static void printLogs(PrintWriter out, List<LogLine> logs) {
    String key = "logs";
    for (LogLine l : logs) {
      line(out, key, Output.iso(l.at()) + "  " + l.text());
      key = "";
    }
  }

  /** Concurrency, rate and time limits, or null if the job has none. */
  static String limits(JobRecord job) {
    List<String> parts = new ArrayList<>();
    if (job.isConcurrencyLimited()) {
      parts.add("concurrency " + job.concurrencyLimit() + " per '" + job.concurrencyKey() + "'");
    }
    if (job.isRateLimited()) {
      parts.add(
          "rate "
              + job.ratePermits()
              + " per "
              + Durations.format(job.ratePeriod())
              + " per '"
              + job.rateKey()
              + "'");
    }
    if (job.timeout() != null) {
      parts.add("timeout " + Durations.format(job.timeout()));
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static void line(PrintWriter out, String key, String value) {
    if (value != null) {
      out.printf("%-10s%s%n", key, value);
    }
  }
}
