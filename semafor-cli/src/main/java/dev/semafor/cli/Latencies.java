package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Enqueue→start and enqueue→finish latencies of a sample of finished jobs, read back from the
 * broker after a run. The broker stamps every job with its enqueue, lease and finish times, so
 * measuring costs the running worker nothing; "start" is the moment the job was leased. Microsecond
 * resolution, three significant digits.
 */
final class Latencies {
  private final Histogram toStart = new Histogram(3);
  private final Histogram toFinish = new Histogram(3);
  private int missing;

  /** Reads the jobs with the given ids; those not found or not finished are counted as missing. */
  static Latencies of(Broker broker, List<String> ids) {
    Latencies l = new Latencies();
    for (String id : ids) {
      Optional<JobRecord> job = broker.get(id);
      if (job.isPresent() && job.get().startedAt() != null && job.get().finishedAt() != null) {
        JobRecord r = job.get();
        l.toStart.recordValue(micros(r.enqueuedAt(), r.startedAt()));
        l.toFinish.recordValue(micros(r.enqueuedAt(), r.finishedAt()));
      } else {
        l.missing++;
      }
    }
    return l;
  }

  private static long micros(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toNanos() / 1000);
  }

  long samples() {
    return toFinish.getTotalCount();
  }

  int missing() {
    return missing;
  }

  Histogram toStart() {
    return toStart;
  }

  Histogram toFinish() {
    return toFinish;
  }

  /** Milliseconds at a percentile, e.g. {@code ms(toFinish(), 99)}. */
  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** {@code {"p50":…, "p90":…, "p99":…, "p999":…, "max":…}} in milliseconds. */
  static ObjectNode json(Histogram h) {
    return Output.object()
        .put("p50", Output.millis(ms(h, 50)))
        .put("p90", Output.millis(ms(h, 90)))
        .put("p99", Output.millis(ms(h, 99)))
        .put("p999", Output.millis(ms(h, 99.9)))
        .put("max", Output.millis(h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0));
  }

  /** {@code p50 1.2 ms, p90 …, p99 …, max …}. */
  static String line(Histogram h) {
    return String.format(
        java.util.Locale.ROOT,
        "p50 %s  p90 %s  p99 %s  max %s",
        Output.duration(Duration.ofNanos((long) (ms(h, 50) * 1e6))),
        Output.duration(Duration.ofNanos((long) (ms(h, 90) * 1e6))),
        Output.duration(Duration.ofNanos((long) (ms(h, 99) * 1e6))),
        Output.duration(Duration.ofNanos(h.getTotalCount() == 0 ? 0 : h.getMaxValue() * 1000)));
  }
}
