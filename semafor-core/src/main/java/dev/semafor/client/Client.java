package dev.semafor.client;

import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.Names;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import dev.semafor.Workflow;
import dev.semafor.spi.Broker;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
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
 * inputs that do not bind to the task's input type, before anything is written; and it gives each
 * job its task's defaults ({@link dev.semafor.TaskOptions}) where the job's options set none.
 *
 * <p>A job with a unique key may come back as an existing job ({@link JobHandle#existing()}): see
 * {@link dev.semafor.UniquePolicy}.
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
      records.add(newJob(r.task(), r.input(), r.options(), now));
    }
    List<JobRecord> stored = broker.enqueue(records);
    List<JobHandle> handles = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      String id = stored.get(i).id();
      handles.add(new JobHandle(id, broker, json, !id.equals(records.get(i).id())));
    }
    return handles;
  }

  /**
   * Enqueues a workflow (chain, group or chord): its first jobs now, the rest as they become due.
   * Atomic: the whole workflow is stored or none of it.
   */
  public WorkflowHandle enqueue(Workflow workflow) {
    Instant now = clock.instant();
    return switch (workflow) {
      case Workflow.Chain chain -> enqueueChain(chain, now);
      case Workflow.Group group -> enqueueGroup(group, null, now);
      case Workflow.Chord chord -> enqueueGroup(chord.group(), chord.callback(), now);
    };
  }

  /** A handle on an existing job by id (whether or not it exists). */
  public JobHandle handle(String jobId) {
    return new JobHandle(jobId, broker, json, false);
  }

  /**
   * The record {@link #enqueue} would store for this job at {@code now}, checked and with its
   * task's defaults, without storing it (a scheduler claims it with its tick instead).
   */
  public JobRecord newJob(String task, Object input, JobOptions options, Instant now) {
    String inputJson =
        input instanceof RawJson raw ? json.normalize(raw.text()) : json.write(input);
    JobOptions o = checked(task, inputJson, options);
    Instant runAt = o.effectiveRunAt(now);
    return JobRecord.builder()
        .id(JobIds.next(now))
        .task(task)
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
        .uniquePolicy(o.uniquePolicy())
        .concurrencyKey(o.concurrencyKey())
        .concurrencyLimit(o.concurrencyLimit())
        .rateKey(o.rateKey())
        .ratePermits(o.ratePermits())
        .ratePeriod(o.ratePeriod())
        .build();
  }

  /**
   * Checks the task name (and, with a registry, the task and the input) and returns the options
   * with the task's defaults. {@code inputJson} null: the input comes later (a workflow step).
   */
  private JobOptions checked(String task, String inputJson, JobOptions options) {
    Names.task(task);
    JobOptions o = options == null ? JobOptions.defaults() : options;
    if (registry == null) {
      return o;
    }
    TaskDefinition<?, ?> def = registry.require(task);
    if (inputJson != null) {
      json.read(inputJson, def.inputType()); // throws PayloadException before anything is stored
    }
    return o.withDefaults(task, def.options());
  }

  private WorkflowHandle enqueueChain(Workflow.Chain chain, Instant now) {
    List<Workflow.Step> steps = chain.steps();
    List<JobTemplate> rest = new ArrayList<>(steps.size() - 1);
    List<String> ids = new ArrayList<>(steps.size());
    Workflow.Step first = steps.get(0);
    JobRecord head = newJob(first.task(), first.input(), first.options(), now);
    ids.add(head.id());
    for (Workflow.Step s : steps.subList(1, steps.size())) {
      JobTemplate t = template(s, now);
      rest.add(t);
      ids.add(t.id());
    }
    broker.enqueue(List.of(head.toBuilder().next(JobTemplate.listToJson(rest)).build()));
    return new WorkflowHandle(WorkflowHandle.Kind.CHAIN, head.id(), ids, broker, json);
  }

  private WorkflowHandle enqueueGroup(Workflow.Group group, Workflow.Step callback, Instant now) {
    String groupId = JobIds.next(now);
    List<JobRecord> members = new ArrayList<>(group.members().size());
    List<String> ids = new ArrayList<>(group.members().size() + 1);
    for (Workflow.Step s : group.members()) {
      JobRecord m = newJob(s.task(), s.input(), s.options(), now);
      members.add(m.toBuilder().groupId(groupId).groupIndex(members.size()).build());
      ids.add(m.id());
    }
    JobTemplate then = callback == null ? null : template(callback, now);
    if (then != null) {
      ids.add(then.id());
    }
    broker.enqueueGroup(GroupRecord.of(groupId, members.size(), then), members);
    WorkflowHandle.Kind kind = then == null ? WorkflowHandle.Kind.GROUP : WorkflowHandle.Kind.CHORD;
    return new WorkflowHandle(kind, groupId, ids, broker, json);
  }

  private JobTemplate template(Workflow.Step step, Instant now) {
    return JobTemplate.of(
        JobIds.next(now), step.task(), checked(step.task(), null, step.options()), now);
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
