package dev.semafor.cli;

import dev.semafor.JobState;
import dev.semafor.spi.JobQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The job filters {@code semafor jobs} and its bulk actions share: state, queue, task, unique key,
 * concurrency key and enqueue time, turned into one {@link JobQuery}. Every bad value is an error
 * that names its flag and what it accepts.
 */
final class JobFilters {
  @Option(
      names = "--state",
      paramLabel = "S1,S2",
      description =
          "Only jobs in these states: scheduled, queued, running, succeeded, dead, cancelled.")
  String states;

  @Option(names = "--queue", paramLabel = "Q", description = "Only jobs of queue Q.")
  String queue;

  @Option(names = "--task", paramLabel = "T", description = "Only jobs of task T.")
  String task;

  @Option(
      names = "--key",
      paramLabel = "K",
      description = "Only jobs enqueued with unique key K (--unique-key), finished ones included.")
  String key;

  @Option(
      names = "--concurrency-key",
      paramLabel = "K",
      description = "Only jobs with concurrency key K.")
  String concurrencyKey;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Only jobs enqueued within the last DURATION (1h, 30m, 2d...).")
  Duration since;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Only jobs enqueued at or after TIME (ISO-8601, 2026-12-02T10:00:00Z).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "Only jobs enqueued before TIME (ISO-8601).")
  String to;

  /** The query these filters make, on {@code now} for {@code --since}; not yet paged. */
  JobQuery query(Instant now) {
    if (since != null && from != null) {
      throw new IllegalArgumentException("--since and --from both set where jobs start: give one");
    }
    Instant start = since != null ? now.minus(since) : instant("--from", from);
    Instant end = instant("--to", to);
    if (start != null && end != null && !start.isBefore(end)) {
      throw new IllegalArgumentException(
          "the time range is empty: " + start + " is not before --to " + end);
    }
    return new JobQuery(queue, task, parseStates(states), start, end, JobQuery.DEFAULT_LIMIT, 0)
        .uniqueKey(key)
        .concurrencyKey(concurrencyKey);
  }

  /** A few words for messages: "dead jobs of task 'x' on queue 'y'". */
  String describe() {
    List<String> parts = new ArrayList<>();
    parts.add(
        states == null ? "jobs" : states.toLowerCase(Locale.ROOT).replace(",", " or ") + " jobs");
    if (task != null) {
      parts.add("of task '" + task + "'");
    }
    if (queue != null) {
      parts.add("on queue '" + queue + "'");
    }
    if (key != null) {
      parts.add("with unique key '" + key + "'");
    }
    if (concurrencyKey != null) {
      parts.add("with concurrency key '" + concurrencyKey + "'");
    }
    if (since != null || from != null || to != null) {
      parts.add("enqueued in the given time range");
    }
    return String.join(" ", parts);
  }

  boolean any() {
    return states != null
        || queue != null
        || task != null
        || key != null
        || concurrencyKey != null
        || since != null
        || from != null
        || to != null;
  }

  static Set<JobState> parseStates(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (String word : text.split(",")) {
      String name = word.strip().toUpperCase(Locale.ROOT);
      try {
        states.add(JobState.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--state: unknown state '"
                + word.strip()
                + "'; accepted: "
                + Arrays.stream(JobState.values())
                    .map(s -> s.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")));
      }
    }
    return states;
  }

  private static Instant instant(String flag, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          flag + ": '" + text + "' is not an ISO-8601 time such as 2026-12-02T10:00:00Z");
    }
  }
}
