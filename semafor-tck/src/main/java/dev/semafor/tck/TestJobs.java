package dev.semafor.tck;

import dev.semafor.Backoff;
import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Test data: jobs as a producer would enqueue them, with defaults for everything a test does not
 * care about.
 *
 * <pre>{@code
 * JobRecord job = TestJobs.queued("mail.send").queue("mail").priority(5).build(clock);
 * JobRecord later = TestJobs.scheduled("report", clock.instant().plusSeconds(60)).build(clock);
 * }</pre>
 *
 * <p>{@link Draft#build} stamps the job the way {@link dev.semafor.client.Client} does: a fresh
 * time-ordered id (so ids of jobs built one after another ascend), enqueued now, {@code SCHEDULED}
 * if its run-at is still to come and {@code QUEUED} otherwise.
 */
public final class TestJobs {
  private TestJobs() {}

  /** A job due at once. */
  public static Draft queued(String task) {
    return new Draft(task);
  }

  /**
   * A record builder for a queued job of {@code task} on the default queue, due at {@code now},
   * with a fresh id: for the cases that set fields a {@link Draft} does not (groups, rate keys).
   */
  public static JobRecord.Builder record(String task, Instant now) {
    return JobRecord.builder()
        .id(JobIds.next(now))
        .task(task)
        .queue(JobOptions.DEFAULT_QUEUE)
        .state(JobState.QUEUED)
        .input("{}")
        .runAt(now)
        .enqueuedAt(now);
  }

  /** A job due at {@code runAt}. */
  public static Draft scheduled(String task, Instant runAt) {
    return new Draft(task).runAt(runAt);
  }

  /** A job under construction. Mutable and not thread-safe: build it in one thread. */
  public static final class Draft {
    private final String task;
    private String id;
    private String queue = JobOptions.DEFAULT_QUEUE;
    private int priority;
    private String input = "{}";
    private int maxAttempts = JobOptions.DEFAULT_MAX_ATTEMPTS;
    private Backoff backoff = Backoff.defaults();
    private Duration timeout;
    private Instant runAt;
    private String uniqueKey;
    private String concurrencyKey;
    private int concurrencyLimit;

    private Draft(String task) {
      this.task = Objects.requireNonNull(task, "task");
    }

    /** A fixed id instead of a fresh one (for duplicate-id cases). */
    public Draft id(String value) {
      id = value;
      return this;
    }

    public Draft queue(String value) {
      queue = value;
      return this;
    }

    public Draft priority(int value) {
      priority = value;
      return this;
    }

    /** The JSON input. */
    public Draft input(String json) {
      input = json;
      return this;
    }

    public Draft maxAttempts(int value) {
      maxAttempts = value;
      return this;
    }

    public Draft backoff(Backoff value) {
      backoff = value;
      return this;
    }

    public Draft timeout(Duration value) {
      timeout = value;
      return this;
    }

    public Draft runAt(Instant value) {
      runAt = value;
      return this;
    }

    public Draft uniqueKey(String value) {
      uniqueKey = value;
      return this;
    }

    public Draft concurrency(String key, int limit) {
      concurrencyKey = key;
      concurrencyLimit = limit;
      return this;
    }

    /** The job as enqueued at {@code clock}'s current time. */
    public JobRecord build(InstantSource clock) {
      Instant now = clock.instant();
      Instant due = runAt == null ? now : runAt;
      return JobRecord.builder()
          .id(id == null ? JobIds.next(now) : id)
          .task(task)
          .queue(queue)
          .state(due.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED)
          .priority(priority)
          .input(input)
          .maxAttempts(maxAttempts)
          .backoff(backoff)
          .timeout(timeout)
          .runAt(due)
          .enqueuedAt(now)
          .uniqueKey(uniqueKey)
          .concurrencyKey(concurrencyKey)
          .concurrencyLimit(concurrencyLimit)
          .build();
    }

    /** {@code count} such jobs, each with its own id, in ascending id order. */
    public List<JobRecord> build(InstantSource clock, int count) {
      if (id != null && count > 1) {
        throw new IllegalStateException("a draft with a fixed id cannot build " + count + " jobs");
      }
      List<JobRecord> jobs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        jobs.add(build(clock));
      }
      return jobs;
    }
  }
}
