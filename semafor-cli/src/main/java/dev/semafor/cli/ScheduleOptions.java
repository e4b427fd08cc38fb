package dev.semafor.cli;

import dev.semafor.SemaforException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.schedule.MissedTicks;
import dev.semafor.schedule.Schedule;
import dev.semafor.server.InputCheck;
import dev.semafor.worker.Durations;
import dev.semafor.worker.WorkerConfig;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The job-control flags of {@code semafor worker}: periodic schedules it runs ({@code --schedule},
 * repeatable) and the retention of finished jobs ({@code --retention}).
 */
final class ScheduleOptions {
  @Option(
      names = "--schedule",
      paramLabel = "NAME|CRON|ZONE|TASK[|JSON[|skip|run-once]]",
      description = {
        "Run a periodic job, e.g. 'nightly|0 3 * * *|Europe/Sofia|reports.render|{}' (repeatable).",
        "Every worker may run the same schedule: each tick runs one job."
      })
  List<String> schedules = new ArrayList<>();

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Prune finished jobs older than this, e.g. 7d (default: keep them).")
  Duration retention;

  /** {@code b} with the retention, if one was given. */
  WorkerConfig.Builder apply(WorkerConfig.Builder b) {
    if (retention != null) {
      if (!retention.isPositive()) {
        throw new IllegalArgumentException(
            "--retention must be positive: " + Durations.format(retention));
      }
      b.retention(retention);
    }
    return b;
  }

  /**
   * The schedules given, parsed, each task known to {@code registry} and its JSON one that fits it;
   * throws with the flag's text on a malformed one.
   */
  List<Schedule> parse(TaskRegistry registry) {
    List<Schedule> out = new ArrayList<>();
    for (String spec : schedules) {
      out.add(parse(spec, registry));
    }
    return out;
  }

  static Schedule parse(String spec, TaskRegistry registry) {
    String[] f = spec.split("\\|", -1);
    if (f.length < 4 || f.length > 6) {
      throw new IllegalArgumentException(
          "--schedule '" + spec + "' is not NAME|CRON|ZONE|TASK[|JSON[|skip|run-once]]");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(f[2].trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "--schedule '" + spec + "': unknown time zone '" + f[2].trim() + "'");
    }
    String json;
    try {
      json =
          InputCheck.check(
              registry.require(f[3].trim()),
              f.length > 4 && !f[4].isBlank() ? f[4] : null,
              "its JSON");
    } catch (SemaforException e) {
      throw new IllegalArgumentException("--schedule '" + f[0].trim() + "': " + e.getMessage(), e);
    }
    Schedule s =
        Schedule.cron(f[0].trim(), f[1].trim(), zone, f[3].trim(), new Client.RawJson(json));
    if (f.length == 6) {
      s =
          s.onMissed(
              switch (f[5].trim().toLowerCase(Locale.ROOT)) {
                case "skip" -> MissedTicks.SKIP;
                case "run-once", "run_once" -> MissedTicks.RUN_ONCE;
                default ->
                    throw new IllegalArgumentException(
                        "--schedule '" + spec + "': missed ticks are skip or run-once");
              });
    }
    return s;
  }
}
