package dev.semafor.spi;

import dev.semafor.ExecutionModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One worker as the broker's worker registry knows it: who it is, what it runs, and when it last
 * said it was alive. A worker registers when it starts ({@link Broker#registerWorker}), heartbeats
 * while it runs ({@link Broker#heartbeatWorker}) and unregisters when it stops cleanly; one that
 * was killed simply stops heartbeating and is shown as gone ({@link #isGone}).
 *
 * @param id the worker's id (unique per worker process)
 * @param host the host name it runs on
 * @param pid its process id
 * @param model the execution model of its pool
 * @param concurrency how many jobs it may run at once
 * @param queues the queues it takes jobs from, in priority order
 * @param inFlight jobs it held at its last heartbeat (leased, running or about to run)
 * @param startedAt when it started
 * @param lastHeartbeat when the broker last heard from it (stamped by the broker's clock)
 * @param tasks the names of the tasks it can run, sorted; empty if it did not say (an older worker:
 *     read as any task)
 */
public record WorkerInfo(
    String id,
    String host,
    long pid,
    ExecutionModel model,
    int concurrency,
    List<String> queues,
    int inFlight,
    Instant startedAt,
    Instant lastHeartbeat,
    List<String> tasks) {

  /** A worker silent for longer than this is shown as gone: three missed 10-second beats. */
  public static final Duration DEFAULT_GONE_AFTER = Duration.ofSeconds(30);

  public WorkerInfo {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("worker id must not be blank");
    }
    host = host == null ? "" : host;
    Objects.requireNonNull(model, "model");
    queues = List.copyOf(queues);
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    if (inFlight < 0) {
      throw new IllegalArgumentException("inFlight must not be negative: " + inFlight);
    }
    Objects.requireNonNull(startedAt, "startedAt");
    lastHeartbeat = lastHeartbeat == null ? startedAt : lastHeartbeat;
    tasks = tasks == null ? List.of() : List.copyOf(new java.util.TreeSet<>(tasks));
  }

  /** A worker that does not say which tasks it runs (read as any). */
  public WorkerInfo(
      String id,
      String host,
      long pid,
      ExecutionModel model,
      int concurrency,
      List<String> queues,
      int inFlight,
      Instant startedAt,
      Instant lastHeartbeat) {
    this(id, host, pid, model, concurrency, queues, inFlight, startedAt, lastHeartbeat, List.of());
  }

  /** True if it takes jobs of {@code task} from {@code queue}. */
  public boolean serves(String queue, String task) {
    return queues.contains(queue) && (tasks.isEmpty() || tasks.contains(task));
  }

  /** True if the worker has not heartbeaten for longer than {@code threshold} at {@code now}. */
  public boolean isGone(Instant now, Duration threshold) {
    return lastHeartbeat.plus(threshold).isBefore(now);
  }

  /** This record with a new heartbeat time and in-flight count. */
  public WorkerInfo heartbeat(Instant at, int newInFlight) {
    return new WorkerInfo(
        id, host, pid, model, concurrency, queues, newInFlight, startedAt, at, tasks);
  }
}
