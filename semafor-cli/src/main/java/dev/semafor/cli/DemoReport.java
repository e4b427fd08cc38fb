package dev.semafor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.ReportJson;
import dev.semafor.server.JobViews;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.WorkerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The demo's results, read back from the broker once the worker has stopped. */
record DemoReport(String broker, WorkerConfig config, List<Row> rows, Clock clock, long busyNanos) {

  /**
   * What the demo timed: the worker's start-up and stop (not counted) and, between them, the wall
   * time from the ready worker to the last recorded result.
   */
  record Clock(long startupNanos, long wallNanos, long stopNanos) {}

  /** One number: its job, whether it is prime, how long it ran and where. */
  record Row(long n, JobRecord job, Boolean prime, long nanos, String ranOn) {}

  static DemoReport of(
      Broker broker,
      List<String> ids,
      DemoListener listener,
      String url,
      WorkerConfig config,
      Clock clock) {
    List<Row> rows = new ArrayList<>();
    long busy = 0;
    for (int i = 0; i < ids.size(); i++) {
      long n = DemoCommand.NUMBERS.get(i);
      String id = ids.get(i);
      JobRecord job =
          broker.get(id).orElseThrow(() -> new IllegalStateException("job " + id + " vanished"));
      DemoListener.Run run = listener.run(id);
      long nanos = run != null ? run.nanos() : elapsed(job);
      String ranOn = run != null ? run.thread() : job.workerId();
      busy += nanos;
      rows.add(new Row(n, job, prime(job), nanos, ranOn));
    }
    return new DemoReport(url, config, rows, clock, busy);
  }

  private static long elapsed(JobRecord job) {
    if (job.startedAt() == null || job.finishedAt() == null) {
      return 0;
    }
    return Duration.between(job.startedAt(), job.finishedAt()).toNanos();
  }

  private static Boolean prime(JobRecord job) {
    if (job.state() != JobState.SUCCEEDED) {
      return null;
    }
    JsonNode prime = Output.tree(job.result()).get("prime");
    return prime == null ? null : prime.asBoolean();
  }

  boolean allSucceeded() {
    return rows.stream().allMatch(r -> r.job().state() == JobState.SUCCEEDED);
  }

  long primes() {
    return rows.stream().filter(r -> Boolean.TRUE.equals(r.prime())).count();
  }

  double jobsPerSec() {
    return rows.size() / (clock.wallNanos() / 1e9);
  }

  /** Job time over wall time: how many jobs ran at once, on average. */
  double parallelism() {
    return busyNanos / (double) clock.wallNanos();
  }

  ObjectNode toJson() {
    ObjectNode root =
        Output.object()
            .put("broker", broker)
            .put("model", config.model().label())
            .put("concurrency", config.concurrency())
            .put("queue", config.queues().get(0));
    ArrayNode results = root.putArray("results");
    for (Row r : rows) {
      ObjectNode node = results.addObject().put("n", r.n());
      if (r.prime() == null) {
        node.putNull("prime");
      } else {
        node.put("prime", r.prime());
      }
      node.put("state", JobViews.state(r.job().state()))
          .put("ms", Output.millis(r.nanos() / 1e6))
          .put("ran_on", r.ranOn())
          .put("job_id", r.job().id());
      if (r.job().error() != null) {
        node.put("error", r.job().error().toString());
      }
    }
    root.putObject("totals")
        .put("jobs", rows.size())
        .put("primes", primes())
        .put("succeeded", rows.stream().filter(r -> r.job().state() == JobState.SUCCEEDED).count())
        .put("wall_seconds", Output.millis(clock.wallNanos() / 1e9))
        .put("jobs_per_sec", Output.millis(jobsPerSec()))
        .put("busy_seconds", Output.millis(busyNanos / 1e9))
        .put("parallelism", ReportJson.ratio(parallelism()))
        .put("startup_seconds", Output.millis(clock.startupNanos() / 1e9))
        .put("stop_seconds", Output.millis(clock.stopNanos() / 1e9));
    return root;
  }

  void print(PrintWriter out) {
    Table table = new Table("n", "prime", "time", "ran on").align("rlrl");
    for (Row r : rows) {
      String prime = r.prime() == null ? JobViews.state(r.job().state()) : r.prime() ? "yes" : "no";
      table.row(r.n(), prime, String.format(Locale.ROOT, "%.1f ms", r.nanos() / 1e6), r.ranOn());
    }
    table.print(out);
    out.println();
    out.printf(
        Locale.ROOT,
        "%d numbers, %d prime, in %s wall time: %.1f jobs/s (%s x %d on %s)%n",
        rows.size(),
        primes(),
        DemoCommand.seconds(clock.wallNanos()),
        jobsPerSec(),
        config.model().label(),
        config.concurrency(),
        broker);
    out.printf(
        Locale.ROOT,
        "%s of work in %s: %.1f jobs ran at once on average%n",
        DemoCommand.seconds(busyNanos),
        DemoCommand.seconds(clock.wallNanos()),
        parallelism());
    out.printf(
        "worker started in %s and stopped in %s (neither counted)%n",
        DemoCommand.seconds(clock.startupNanos()), DemoCommand.seconds(clock.stopNanos()));
  }
}
