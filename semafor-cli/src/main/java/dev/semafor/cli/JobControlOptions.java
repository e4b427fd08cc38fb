package dev.semafor.cli;

import dev.semafor.JobOptions;
import dev.semafor.UniquePolicy;
import dev.semafor.worker.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The job-control flags of {@code semafor enqueue}: concurrency and rate limits, unique keys and a
 * time limit. Checked together, so a flag that needs another fails with one line that says so.
 */
final class JobControlOptions {
  @Option(
      names = "--concurrency-key",
      paramLabel = "K",
      description = "At most --concurrency-limit jobs with this key run at once, on all workers.")
  String concurrencyKey;

  @Option(
      names = "--concurrency-limit",
      paramLabel = "N",
      description = "The concurrency limit (key: --concurrency-key, else the task's name).")
  Integer concurrencyLimit;

  @Option(
      names = "--rate-limit",
      paramLabel = "N/PERIOD",
      description = "At most N starts per PERIOD on all workers, e.g. 100/1s, 10/m.")
  String rateLimit;

  @Option(
      names = "--rate-key",
      paramLabel = "K",
      description = "The rate limit's key (default: the task's name).")
  String rateKey;

  @Option(
      names = "--unique-key",
      paramLabel = "K",
      description =
          "While a job with this key waits or runs, do not add another (see --on-conflict).")
  String uniqueKey;

  @Option(
      names = "--on-conflict",
      paramLabel = "reject|replace",
      description =
          "With --unique-key: reject (default) prints the existing job's id; replace cancels a"
              + " waiting one and adds this one.")
  UniquePolicy onConflict;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Each attempt may run this long, then it fails (and is retried): 30s, 5m.")
  Duration timeout;

  /** {@code options} with these flags applied; throws on a flag that lacks its partner. */
  JobOptions apply(String task, JobOptions options) {
    JobOptions o = options;
    if (concurrencyKey != null && concurrencyLimit == null) {
      throw new IllegalArgumentException("--concurrency-key needs --concurrency-limit");
    }
    if (concurrencyLimit != null) {
      if (concurrencyLimit < 1) {
        throw new IllegalArgumentException(
            "--concurrency-limit must be at least 1: " + concurrencyLimit);
      }
      o = o.concurrency(concurrencyKey != null ? concurrencyKey : task, concurrencyLimit);
    }
    if (rateKey != null && rateLimit == null) {
      throw new IllegalArgumentException("--rate-key needs --rate-limit");
    }
    if (rateLimit != null) {
      Rate rate = Rate.parse(rateLimit);
      o = o.rateLimit(rateKey != null ? rateKey : task, rate.permits(), rate.period());
    }
    if (onConflict != null && uniqueKey == null) {
      throw new IllegalArgumentException("--on-conflict needs --unique-key");
    }
    if (uniqueKey != null) {
      o = o.unique(uniqueKey, onConflict != null ? onConflict : UniquePolicy.REJECT);
    }
    if (timeout != null) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException(
            "--timeout must be positive: " + Durations.format(timeout));
      }
      o = o.timeout(timeout);
    }
    return o;
  }

  /** A rate limit as written: {@code N/PERIOD}, where PERIOD is a duration or a bare unit. */
  record Rate(int permits, Duration period) {
    static Rate parse(String text) {
      int slash = text.indexOf('/');
      if (slash <= 0 || slash == text.length() - 1) {
        throw bad(text);
      }
      int permits;
      try {
        permits = Integer.parseInt(text.substring(0, slash).trim());
      } catch (NumberFormatException e) {
        throw bad(text);
      }
      if (permits < 1) {
        throw new IllegalArgumentException(
            "--rate-limit needs at least 1 start per period: " + text);
      }
      String period = text.substring(slash + 1).trim();
      if (!period.isEmpty() && !Character.isDigit(period.charAt(0))) {
        period = "1" + period; // "10/s" reads as "10/1s"
      }
      try {
        Duration d = DurationConverter.parse(period);
        if (!d.isPositive()) {
          throw bad(text);
        }
        return new Rate(permits, d);
      } catch (RuntimeException e) {
        throw bad(text);
      }
    }

    private static IllegalArgumentException bad(String text) {
      return new IllegalArgumentException(
          "--rate-limit '" + text + "' is not N/PERIOD (e.g. 100/1s, 10/m)");
    }
  }
}
