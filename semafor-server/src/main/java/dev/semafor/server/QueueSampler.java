package dev.semafor.server;

import dev.semafor.JobState;
import dev.semafor.spi.JobReads;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the broker's per-queue counts at a fixed interval and derives what counts alone cannot
 * say: throughput (jobs that reached {@code SUCCEEDED} per minute) and failures ({@code DEAD} per
 * minute), plus a short history for the dashboard's sparklines.
 *
 * <h2>How rates are computed</h2>
 *
 * Each sample keeps the cumulative succeeded and dead counts of every queue. A rate is the growth
 * of a count between the newest sample and the oldest one inside the rate window, per minute of the
 * time between them. Counts can also shrink (pruning, deleting, retrying a dead job), so every
 * difference is clamped at zero: a rate can understate, never go negative. Because it reads the
 * broker, it sees the work of every worker on that broker, not just this process's.
 *
 * <p>Thread-safe: {@link #sample} and {@link #refresh} run on the sampler thread and on request
 * threads, and every method holds this object's monitor.
 */
final class QueueSampler {
  /** One sample of one queue: cumulative counts at an instant. */
  record Point(Instant at, long succeeded, long dead) {}

  /**
   * A queue's counts now, its rates, its per-interval history (oldest first), and whether it is
   * paused.
   */
  record QueueView(
      String queue,
      Map<String, Long> counts,
      long total,
      long depth,
      double succeededPerMinute,
      double deadPerMinute,
      List<Step> history,
      boolean paused) {}

  /** Jobs that succeeded and died in one sampling interval ending at {@code at}. */
  record Step(Instant at, long succeeded, long dead) {}

  static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private final JobReads broker;
  private final InstantSource clock;
  private final int historySize;

  /** Guarded by this. */
  private List<QueueStats> latest = List.of();

  /** Per queue, newest last, at most {@link #historySize} + 1 points. Guarded by this. */
  private final Map<String, Deque<Point>> history = new HashMap<>();

  QueueSampler(JobReads broker, InstantSource clock, int historySize) {
    this.broker = broker;
    this.clock = clock;
    this.historySize = historySize;
  }

  /** Reads fresh counts from the broker without adding a history point; returns them. */
  synchronized List<QueueStats> refresh() {
    latest = broker.stats();
    return latest;
  }

  /** Reads fresh counts and records them as a history point. */
  synchronized void sample() {
    Instant now = clock.instant();
    List<QueueStats> stats = refresh();
    history.keySet().retainAll(stats.stream().map(QueueStats::queue).toList());
    for (QueueStats s : stats) {
      Deque<Point> points = history.computeIfAbsent(s.queue(), q -> new ArrayDeque<>());
      points.addLast(new Point(now, s.count(JobState.SUCCEEDED), s.count(JobState.DEAD)));
      while (points.size() > historySize + 1) {
        points.removeFirst();
      }
    }
  }

  /** The counts read last (by {@link #refresh} or {@link #sample}). */
  synchronized List<QueueStats> latest() {
    return latest;
  }

  /** Every queue with its counts, rates and history, sorted by name. */
  synchronized List<QueueView> views() {
    List<QueueView> out = new ArrayList<>();
    for (QueueStats s : latest) {
      // Leased is not running: jobs waiting in a worker's inbox are counted apart.
      Map<String, Long> counts = s.shownCounts();
      Deque<Point> points = history.getOrDefault(s.queue(), new ArrayDeque<>());
      out.add(
          new QueueView(
              s.queue(),
              counts,
              s.total(),
              s.count(JobState.QUEUED),
              perMinute(points, true),
              perMinute(points, false),
              steps(points),
              s.paused()));
    }
    return out;
  }

  private static double perMinute(Deque<Point> points, boolean succeeded) {
    if (points.size() < 2) {
      return 0;
    }
    Point newest = points.getLast();
    Point oldest = newest;
    for (Point p : points) {
      if (!p.at().isBefore(newest.at().minus(RATE_WINDOW))) {
        oldest = p;
        break;
      }
    }
    long millis = Duration.between(oldest.at(), newest.at()).toMillis();
    long grew = succeeded ? newest.succeeded() - oldest.succeeded() : newest.dead() - oldest.dead();
    // Over less than a window (just started) this is what the window holds so far: a short burst
    // is never extrapolated into a rate it did not keep up.
    return Math.max(0, grew) * 60_000.0 / Math.max(RATE_WINDOW.toMillis(), millis);
  }

  private static List<Step> steps(Deque<Point> points) {
    List<Step> steps = new ArrayList<>(Math.max(0, points.size() - 1));
    Point previous = null;
    for (Point p : points) {
      if (previous != null) {
        steps.add(
            new Step(
                p.at(),
                Math.max(0, p.succeeded() - previous.succeeded()),
                Math.max(0, p.dead() - previous.dead())));
      }
      previous = p;
    }
    return steps;
  }
}
