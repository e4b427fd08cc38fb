package dev.semafor.client;

import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.SemaforException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A workflow's ids, and ways to look at it or wait for it. Every job the workflow will ever have
 * has its id from the start ({@link #jobIds()}); a job not created yet (a later chain step, a
 * chord's callback) simply is not in the broker until it is due.
 */
public final class WorkflowHandle {
  private static final long MAX_POLL_MS = 200;

  /** What kind of workflow this is. */
  public enum Kind {
    CHAIN,
    GROUP,
    CHORD
  }

  /** Where a workflow stands. */
  public enum Status {
    /** Some job has not finished yet (or not been created yet). */
    RUNNING,
    /** Every job succeeded (for a chord: the callback too). */
    SUCCEEDED,
    /** A job ended dead or cancelled: the workflow will not go on ({@link #failure()}). */
    FAILED
  }

  private final Kind kind;
  private final String id;
  private final List<String> jobIds;
  private final Broker broker;
  private final Json json;

  WorkflowHandle(Kind kind, String id, List<String> jobIds, Broker broker, Json json) {
    this.kind = kind;
    this.id = id;
    this.jobIds = List.copyOf(jobIds);
    this.broker = broker;
    this.json = json;
  }

  public Kind kind() {
    return kind;
  }

  /** The chain's first job id, or the group's id. */
  public String id() {
    return id;
  }

  /** Every job's id: the chain's steps in order; the group's members, then the chord's callback. */
  public List<String> jobIds() {
    return jobIds;
  }

  /** A handle per job, in {@link #jobIds()} order. */
  public List<JobHandle> jobs() {
    List<JobHandle> out = new ArrayList<>(jobIds.size());
    for (String jobId : jobIds) {
      out.add(new JobHandle(jobId, broker, json, false));
    }
    return out;
  }

  /** Where the workflow stands now. */
  public Status status() {
    return status(snapshot());
  }

  /** The job that ended the workflow unsuccessfully (dead or cancelled), if any. */
  public Optional<JobRecord> failure() {
    for (JobRecord r : snapshot()) {
      if (r != null && failedFor(r)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Waits until the workflow succeeds or fails, and returns which.
   *
   * @throws TimeoutException if it is still running after {@code timeout}
   */
  public Status await(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 1;
    while (true) {
      Status s = status();
      if (s != Status.RUNNING) {
        return s;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            kind + " " + id + " still running after " + timeout.toMillis() + " ms");
      }
      TimeUnit.MILLISECONDS.sleep(Math.min(pauseMs, TimeUnit.NANOSECONDS.toMillis(left) + 1));
      pauseMs = Math.min(MAX_POLL_MS, pauseMs * 2);
    }
  }

  /**
   * The results of the chain's steps or the group's members (not the callback), in order, bound to
   * {@code type}; null for a job that has not succeeded.
   */
  public <T> List<T> results(Class<T> type) {
    List<JobRecord> jobs = snapshot();
    int n = kind == Kind.CHORD ? jobs.size() - 1 : jobs.size();
    List<T> out = new ArrayList<>(n);
    for (JobRecord r : jobs.subList(0, n)) {
      out.add(r != null && r.state() == JobState.SUCCEEDED ? json.read(r.result(), type) : null);
    }
    return out;
  }

  /** The final result — the chain's last step's or the chord's callback's — once it succeeded. */
  public <T> T result(Class<T> type) {
    if (kind == Kind.GROUP) {
      throw new SemaforException("a group has no single result; use results(type)");
    }
    return new JobHandle(jobIds.get(jobIds.size() - 1), broker, json, false).result(type);
  }

  /** Each job as the broker has it now (null if not created yet), in {@link #jobIds()} order. */
  private List<JobRecord> snapshot() {
    Map<String, JobRecord> found = new HashMap<>();
    if (kind == Kind.CHAIN) {
      for (String jobId : jobIds) {
        broker.get(jobId).ifPresent(r -> found.put(r.id(), r));
      }
    } else {
      JobQuery members = JobQuery.all().groupId(id).page(JobQuery.MAX_LIMIT, 0);
      for (JobRecord r : broker.query(members)) {
        found.put(r.id(), r);
      }
      if (kind == Kind.CHORD) {
        String callback = jobIds.get(jobIds.size() - 1);
        broker.get(callback).ifPresent(r -> found.put(r.id(), r));
      }
    }
    List<JobRecord> out = new ArrayList<>(jobIds.size());
    for (String jobId : jobIds) {
      out.add(found.get(jobId));
    }
    return out;
  }

  private static boolean failedFor(JobRecord r) {
    return r.state() == JobState.DEAD || r.state() == JobState.CANCELLED;
  }

  private Status status(List<JobRecord> jobs) {
    for (JobRecord r : jobs) {
      if (r != null && failedFor(r)) {
        return Status.FAILED;
      }
    }
    for (JobRecord r : jobs) {
      if (r == null || r.state() != JobState.SUCCEEDED) {
        return Status.RUNNING;
      }
    }
    return Status.SUCCEEDED;
  }

  @Override
  public String toString() {
    return "WorkflowHandle[" + kind + " " + id + ", " + jobIds.size() + " jobs]";
  }
}
