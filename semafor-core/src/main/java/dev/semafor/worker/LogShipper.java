package dev.semafor.worker;

import dev.semafor.spi.Broker;
import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines a worker's tasks write ({@link dev.semafor.JobContext#log}), stamped with the
 * worker's clock and held per job until {@link #ship} sends them in one {@link Broker#appendLogs}
 * call: the heartbeater ships every job's lines once per progress interval, and the completer ships
 * a batch's lines just before it records their outcomes (after which their leases no longer take
 * lines). {@link #ship} is synchronized, so lines a ship has taken reach the broker before a later
 * ship's, and before the outcome the completer then writes.
 *
 * <p>A job holds at most {@link LogLine#MAX_LINES} unsent lines (the oldest are dropped, as the
 * broker would drop them). Lines are best effort: if the broker cannot take them they are dropped,
 * logged once while the failure lasts.
 */
final class LogShipper {
  private static final Logger log = LoggerFactory.getLogger(LogShipper.class);

  private final Broker broker;
  private final InstantSource clock;
  private final Map<Assignment, List<LogLine>> pending = new ConcurrentHashMap<>();
  private final RetryLog failures =
      new RetryLog(
          log,
          "writing job log lines",
          java.time.Duration.ofSeconds(1),
          java.time.Duration.ofSeconds(1),
          System::nanoTime);

  LogShipper(Broker broker, InstantSource clock) {
    this.broker = broker;
    this.clock = clock;
  }

  /** Holds {@code text} for {@code a}'s job: one line, or several if it holds line breaks. */
  void log(Assignment a, String text) {
    String s = String.valueOf(text);
    List<String> lines = s.isEmpty() ? List.of("") : s.lines().toList();
    java.time.Instant at = clock.instant();
    pending.compute(
        a,
        (k, held) -> {
          List<LogLine> out = held == null ? new ArrayList<>() : held;
          for (String line : lines) {
            out.add(new LogLine(at, line));
          }
          if (out.size() > LogLine.MAX_LINES) {
            out.subList(0, out.size() - LogLine.MAX_LINES).clear();
          }
          return out;
        });
  }

  /** Whether any job has lines not sent yet (a cheap check before a {@link #ship}). */
  boolean holdsAny() {
    return !pending.isEmpty();
  }

  /** Sends the held lines of every job. */
  void shipAll() {
    ship(List.copyOf(pending.keySet()));
  }

  /** Sends the held lines of {@code assignments}' jobs (those with none cost nothing). */
  synchronized void ship(Collection<Assignment> assignments) {
    if (pending.isEmpty()) {
      return;
    }
    List<LogLines> batch = new ArrayList<>();
    for (Assignment a : assignments) {
      List<LogLine> lines = pending.remove(a);
      if (lines != null && !lines.isEmpty()) {
        batch.add(new LogLines(a.ref(), lines));
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      broker.appendLogs(batch);
      failures.succeeded();
    } catch (RuntimeException e) {
      failures.failed(e);
    }
  }
}
