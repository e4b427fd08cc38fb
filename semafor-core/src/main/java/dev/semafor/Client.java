package dev.semafor;

import dev.semafor.broker.Broker;
import dev.semafor.broker.JobRecord;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The producer side: puts jobs on queues. Thread-safe; share one per broker.
 *
 * <pre>{@code
 * Client client = new Client(broker);
 * JobHandle job = client.enqueue("reports.render", Map.of("id", 42), JobOptions.defaults().queue("reports"));
 * JsonNode result = job.await(Duration.ofSeconds(30)).result();
 * }</pre>
 *
 * <p>When built with a {@link TaskRegistry}, the client refuses task names it does not know and
 * inputs that do not bind to the task's input type, before anything is written.
 */
public final class Client {
  private final Broker broker;
  private final TaskRegistry registry;
  private final Json json;
  private final InstantSource clock;

  /** A client that accepts any task name (its workers may know tasks this process does not). */
  public Client(Broker broker) {
    this(broker, null, Json.defaults(), InstantSource.system());
  }

  /** A client that checks task names and inputs against {@code registry} (may be null). */
  public Client(Broker broker, TaskRegistry registry) {
    this(broker, registry, Json.defaults(), InstantSource.system());
  }

  public Client(Broker broker, TaskRegistry registry, Json json, InstantSource clock) {
    this.broker = Objects.requireNonNull(broker, "broker");
    this.registry = registry;
    this.json = Objects.requireNonNull(json, "json");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Broker broker() {
    return broker;
  }

  public JobHandle enqueue(String task, Object input) {
    return enqueue(task, input, JobOptions.defaults());
  }

  /**
   * Enqueues one job. {@code input} is any Jackson-writable value, or a {@link RawJson} holding
   * JSON text as it is.
   */
  public JobHandle enqueue(String task, Object input, JobOptions options) {
    return enqueueAll(List.of(new JobRequest(task, input, options))).get(0);
  }

  /** Enqueues many jobs in one broker call: all are stored or none is. */
  public List<JobHandle> enqueueAll(List<JobRequest> requests) {
    Instant now = clock.instant();
    List<JobRecord> records = new ArrayList<>(requests.size());
    for (JobRequest r : requests) {
      records.add(toRecord(r, now));
    }
    List<JobRecord> stored = broker.enqueue(records);
    List<JobHandle> handles = new ArrayList<>(stored.size());
    for (JobRecord r : stored) {
      handles.add(new JobHandle(r.id(), broker, json));
    }
    return handles;
  }

  /** A handle on an existing job by id (whether or not it exists). */
  public JobHandle handle(String jobId) {
    return new JobHandle(jobId, broker, json);
  }

  private JobRecord toRecord(JobRequest r, Instant now) {
    String inputJson =
        r.input() instanceof RawJson raw ? json.normalize(raw.text()) : json.write(r.input());
    if (registry != null) {
      TaskDefinition<?, ?> def = registry.require(r.task());
      json.read(inputJson, def.inputType()); // throws PayloadException before anything is stored
    }
    JobOptions o = r.options();
    Instant runAt = o.effectiveRunAt(now);
    return JobRecord.builder()
        .id(JobIds.next(now))
        .task(JobOptions.checkName(r.task(), "task"))
        .queue(o.queue())
        .state(runAt.isAfter(now) ? JobState.SCHEDULED : JobState.QUEUED)
        .priority(o.priority())
        .input(inputJson)
        .maxAttempts(o.maxAttempts())
        .backoff(o.backoff())
        .timeout(o.timeout())
        .runAt(runAt)
        .enqueuedAt(now)
        .uniqueKey(o.uniqueKey())
        .concurrencyKey(o.concurrencyKey())
        .concurrencyLimit(o.concurrencyLimit())
        .build();
  }

  /** One job to enqueue. */
  public record JobRequest(String task, Object input, JobOptions options) {
    public JobRequest {
      Objects.requireNonNull(task, "task");
      options = options == null ? JobOptions.defaults() : options;
    }
  }

  /** JSON text passed through as the payload (checked to be JSON, then stored compactly). */
  public record RawJson(String text) {}
}
