package dev.semafor.worker;

import static dev.semafor.Workflow.chain;
import static dev.semafor.Workflow.chord;
import static dev.semafor.Workflow.group;
import static dev.semafor.Workflow.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.ExecutionModel;
import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.PayloadException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.WorkflowHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Chains, groups and chords run end to end by workers. */
class WorkflowTest {
  private final MemoryBroker broker = new MemoryBroker();
  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final Client client;
  private final List<Worker> workers = new ArrayList<>();

  WorkflowTest() {
    registry.register("test.add", Integer.class, (n, ctx) -> n + 1);
    registry.register("test.sum", int[].class, (ns, ctx) -> java.util.Arrays.stream(ns).sum());
    client = new Client(broker, registry);
  }

  @AfterEach
  void closeWorkers() {
    workers.forEach(Worker::close);
  }

  private Worker start(String... queues) {
    WorkerConfig config =
        WorkerConfig.builder()
            .model(ExecutionModel.THREADS)
            .concurrency(4)
            .queues(queues.length == 0 ? List.of("default") : List.of(queues))
            .pollInterval(Duration.ofMillis(10))
            .build();
    Worker w = new Worker(broker, registry, config);
    workers.add(w);
    return w.start();
  }

  @Test
  void aChainPassesEachResultToTheNextStep() throws Exception {
    WorkflowHandle h =
        client.enqueue(chain(step("test.add", 1), step("test.add"), step("test.add")));
    assertThat(h.jobIds()).hasSize(3);
    assertThat(broker.get(h.jobIds().get(1))).as("later steps wait to be created").isEmpty();
    start();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
    assertThat(h.results(Integer.class)).containsExactly(2, 3, 4);
    assertThat(h.result(Integer.class)).isEqualTo(4);
  }

  @Test
  void aFailedStepStopsTheChainVisibly() throws Exception {
    WorkflowHandle h =
        client.enqueue(
            chain(
                step("semafor.fail", Map.of("message", "no"), JobOptions.defaults().maxAttempts(1)),
                step("test.add")));
    start();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.FAILED);
    JobRecord failed = h.failure().orElseThrow();
    assertThat(failed.id()).isEqualTo(h.jobIds().get(0));
    assertThat(failed.error().message()).isEqualTo("no");
    assertThat(broker.get(h.jobIds().get(1))).as("the next step never runs").isEmpty();
  }

  @Test
  void retryingTheDeadStepOfAChainCarriesTheChainOn() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean failOnce =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    registry.register(
        "test.flaky",
        Integer.class,
        (n, ctx) -> {
          if (failOnce.getAndSet(false)) {
            throw new IllegalStateException("not yet");
          }
          return n;
        });
    WorkflowHandle h =
        client.enqueue(
            chain(step("test.flaky", 5, JobOptions.defaults().maxAttempts(1)), step("test.add")));
    start();
    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.FAILED);

    assertThat(broker.retry(h.jobIds().get(0))).isTrue();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
    assertThat(h.result(Integer.class)).isEqualTo(6);
  }

  @Test
  void aChainSurvivesItsWorkerStopping() throws Exception {
    WorkflowHandle h =
        client.enqueue(
            chain(
                step("test.add", 10),
                step("test.add", null, JobOptions.defaults().queue("later"))));
    Worker first = start();
    String next = h.jobIds().get(1);
    org.awaitility.Awaitility.await().until(() -> broker.get(next).isPresent());
    first.close();
    assertThat(broker.get(next).orElseThrow().state()).isEqualTo(JobState.QUEUED);

    start("later");
    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
    assertThat(h.result(Integer.class)).isEqualTo(12);
  }

  @Test
  void aGroupYieldsEveryResultInOrder() throws Exception {
    WorkflowHandle h =
        client.enqueue(group(step("test.add", 1), step("test.add", 2), step("test.add", 3)));
    start();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
    assertThat(h.kind()).isEqualTo(WorkflowHandle.Kind.GROUP);
    assertThat(h.results(Integer.class)).containsExactly(2, 3, 4);
  }

  @Test
  void aChordCallsBackOnceWithTheListOfResults() throws Exception {
    WorkflowHandle h =
        client.enqueue(
            chord(
                group(step("test.add", 1), step("test.add", 2), step("test.add", 3)),
                step("test.sum")));
    start();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.SUCCEEDED);
    assertThat(h.result(Integer.class)).isEqualTo(9);
    assertThat(h.results(Integer.class)).containsExactly(2, 3, 4);
  }

  @Test
  void aChordWithAFailedMemberNeverCallsBack() throws Exception {
    WorkflowHandle h =
        client.enqueue(
            chord(
                group(
                    step("test.add", 1),
                    step("semafor.fail", Map.of(), JobOptions.defaults().maxAttempts(1))),
                step("test.sum")));
    start();

    assertThat(h.await(Duration.ofSeconds(20))).isEqualTo(WorkflowHandle.Status.FAILED);
    assertThat(h.failure().orElseThrow().task()).isEqualTo("semafor.fail");
    assertThat(broker.get(h.jobIds().get(2))).isEmpty();
  }

  @Test
  void aJobWithAnUnreadableContinuationDiesVisiblyInsteadOfDroppingTheChain() throws Exception {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task("test.add")
            .input("1")
            .runAt(now)
            .enqueuedAt(now)
            .next("{not json")
            .build();
    broker.enqueue(List.of(job));
    start();

    JobRecord done = client.handle(job.id()).await(Duration.ofSeconds(20));
    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.error().type()).isEqualTo(PayloadException.class.getName());
    assertThat(done.error().message()).contains("chain continuation");
  }
}
