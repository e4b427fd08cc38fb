package dev.semafor.client;

import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.SemaforException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A job's id, and ways to look at it or wait for it. */
public final class JobHandle {
  private static final long MAX_POLL_MS = 200;

  private final String id;
  private final Broker broker;
  private final Json json;
  private final boolean existing;

  JobHandle(String id, Broker broker, Json json, boolean existing) {
    this.id = id;
    this.broker = broker;
    this.json = json;
    this.existing = existing;
  }

  public String id() {
    return id;
  }

  /**
   * True if the enqueue that returned this handle found a job with the same unique key waiting or
   * running and handed back that job instead of storing a new one ({@link
   * dev.semafor.UniquePolicy}).
   */
  public boolean existing() {
    return existing;
  }

  /** The job as the broker has it now. */
  public JobRecord snapshot() {
    return broker
        .get(id)
        .orElseThrow(() -> new SemaforException("no job with id " + id + " (pruned?)"));
  }

  public JobState state() {
    return snapshot().state();
  }

  /**
   * Waits until the job finishes (succeeded, dead or cancelled) and returns it.
   *
   * @throws TimeoutException if it has not finished within {@code timeout}
   */
  public JobRecord await(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 1;
    while (true) {
      JobRecord r = snapshot();
      if (r.state().isFinished()) {
        return r;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "job "
                + id
                + " still "
                + r.state().name().toLowerCase(Locale.ROOT)
                + " after "
                + timeout.toMillis()
                + " ms");
      }
      TimeUnit.MILLISECONDS.sleep(Math.min(pauseMs, TimeUnit.NANOSECONDS.toMillis(left) + 1));
      pauseMs = Math.min(MAX_POLL_MS, pauseMs * 2);
    }
  }

  /** The result bound to {@code type}, once the job has succeeded. */
  public <T> T result(Class<T> type) {
    JobRecord r = snapshot();
    if (r.state() != JobState.SUCCEEDED) {
      throw new SemaforException("job " + id + " has no result: it is " + r.state());
    }
    return json.read(r.result(), type);
  }

  @Override
  public String toString() {
    return "JobHandle[" + id + "]";
  }
}
