package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.TestClock;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.WorkerInfo;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with the leases it holds before their jobs start: a job whose lease expired
 * does not start, leased-but-waiting is not running, an unstarted job is cancelled at once, a job
 * that waits too long behind long ones is handed back, and a job of a task the worker does not have
 * is never leased (nor killed). Time moves on test clocks, not by sleeping.
 */
final class WorkerLeaseTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final TestClock clock = new TestClock(START);
  private final MemoryBroker broker = new MemoryBroker(clock);
  private final CountDownLatch proceed = new CountDownLatch(1);
  private final AtomicInteger gateStarts = new AtomicInteger();
  private final AtomicInteger quickRuns = new AtomicInteger();
  private final TaskRegistry tasks = registry();
  private final Client client = new Client(broker, tasks, Json.defaults(), clock);
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    proceed.countDown();
    workers.forEach(Worker::close);
  }

  /** {@code test.gate} runs until the test lets it go; {@code test.quick} returns at once. */
  private TaskRegistry registry() {
    TaskRegistry r = new TaskRegistry();
    r.register(
        "test.gate",
        Object.class,
        (input, ctx) -> {
          gateStarts.incrementAndGet();
          proceed.await();
          return "gate";
        });
    r.register(
        "test.quick",
        Object.class,
        (input, ctx) -> {
          quickRuns.incrementAndGet();
          return "quick";
        });
    return r;
  }

  private static WorkerConfig.Builder config(String id, int concurrency) {
    return WorkerConfig.builder()
        .workerId(id)
        .model(ExecutionModel.THREADS)
        .concurrency(concurrency)
        .prefetch(concurrency)
        .leaseDuration(Duration.ofSeconds(30))
        .heartbeatInterval(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .progressInterval(Duration.ofMillis(50))
        .shutdownGrace(Duration.ofSeconds(5));
  }

  private Worker start(Broker on, TaskRegistry registry, InstantSource time, WorkerConfig config) {
    Worker w = new Worker(on, registry, config, Json.defaults(), time, WorkerListener.NONE);
    workers.add(w);
    return w.start();
  }

  private Worker start(WorkerConfig config) {
    return start(broker, tasks, clock, config);
  }

  private QueueStats stats() {
    return broker.stats().stream().filter(q -> q.queue().equals("default")).findFirst().get();
  }

  @Test
  void aPrefetchedJobWhoseLeaseExpiredWhileTheWorkerWasStoppedIsNotStarted() {
    // The worker's clock stands apart from the broker's: the broker's moves past the lease while
    // the
    // worker (as if SIGSTOPped) sees no time pass; another worker takes the job and finishes it.
    TestClock workerClock = new TestClock(START);
    JobHandle gate = client.enqueue("test.gate", 0);
    JobHandle quick = client.enqueue("test.quick", 0);
    // A long lease and heartbeat: no heartbeat may extend the lease while the test moves time.
    WorkerConfig config =
        config("stopped", 1)
            .leaseDuration(Duration.ofMinutes(10))
            .heartbeatInterval(Duration.ofMinutes(5))
            .build();
    Worker stopped = start(broker, tasks, workerClock, config);
    await().until(() -> gateStarts.get() == 1 && quick.state() == JobState.RUNNING);

    clock.advance(Duration.ofMinutes(11));
    broker.reapExpiredLeases();
    List<Lease> taken = broker.lease(new LeaseRequest(List.of("default"), 10, "other", ofMin()));
    Lease quickElsewhere =
        taken.stream().filter(l -> l.job().id().equals(quick.id())).findFirst().orElseThrow();
    broker.complete(new Completion(quickElsewhere.ref(), "\"elsewhere\""));
    assertThat(quick.state()).isEqualTo(JobState.SUCCEEDED);

    // SIGCONT: the worker's clock jumps too, its gate job ends, and its member would take the next.
    workerClock.advance(Duration.ofMinutes(11));
    proceed.countDown();

    await().until(() -> stopped.stats().inFlight() == 0);
    assertThat(quickRuns).as("a job whose lease had expired was started").hasValue(0);
    assertThat(stopped.stats().released()).as("handed back").isEqualTo(1);
    assertThat(quick.snapshot().result()).isEqualTo("\"elsewhere\"");
    assertThat(gate.snapshot().workerId()).isEqualTo("other");
  }

  @Test
  void leasedJobsWaitingInTheInboxAreCountedApartFromRunningOnes() {
    List<JobHandle> jobs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      jobs.add(client.enqueue("test.gate", i));
    }
    start(config("w", 2).build());

    await().until(() -> gateStarts.get() == 2 && stats().running() == 2);
    QueueStats q = stats();
    assertThat(q.count(JobState.RUNNING)).as("leased, whether started or not").isEqualTo(4);
    assertThat(q.leased()).as("leased, waiting in the worker's inbox").isEqualTo(2);
    assertThat(jobs.stream().filter(h -> h.snapshot().isLeasedWaiting())).hasSize(2);
    assertThat(jobs.stream().filter(h -> h.snapshot().started())).hasSize(2);
  }

  @Test
  void cancellingALeasedJobThatHasNotStartedEndsItAtOnce() {
    client.enqueue("test.gate", 0);
    JobHandle waiting = client.enqueue("test.quick", 0);
    Worker w = start(config("w", 1).build());
    await().until(() -> gateStarts.get() == 1 && waiting.state() == JobState.RUNNING);

    assertThat(broker.cancel(waiting.id())).isEqualTo(CancelResult.CANCEL_REQUESTED);

    await().atMost(Duration.ofSeconds(5)).until(() -> waiting.state() == JobState.CANCELLED);
    assertThat(gateStarts).as("the long job still runs").hasValue(1);
    assertThat(quickRuns).hasValue(0);
    // counted by the completer's callback, just after the broker has the outcome
    await().untilAsserted(() -> assertThat(w.stats().cancelled()).isEqualTo(1));
  }

  @Test
  void aLeasedJobWaitingBehindALongOneIsHandedBackForAnIdleWorker() {
    JobHandle gate = client.enqueue("test.gate", 0);
    JobHandle quick = client.enqueue("test.quick", 0);
    Worker busy = start(config("busy", 1).build());
    await().until(() -> gateStarts.get() == 1 && quick.state() == JobState.RUNNING);
    start(config("idle", 1).build());

    clock.advance(Fetcher.HAND_BACK_AFTER.plusMillis(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> quick.state() == JobState.SUCCEEDED);
    assertThat(quick.snapshot().workerId()).isEqualTo("idle");
    assertThat(quick.snapshot().attempts()).as("the wait was not an attempt").isEqualTo(1);
    assertThat(gate.state()).isEqualTo(JobState.RUNNING);
    assertThat(busy.stats().released()).isEqualTo(1);
  }

  @Test
  void aWorkerLeasesOnlyTheTasksItHasAndLeavesTheOthersForAWorkerThatHasThem() {
    TaskRegistry quickOnly = new TaskRegistry();
    quickOnly.register("test.quick", Object.class, (input, ctx) -> "quick");
    JobHandle other = client.enqueue("test.gate", 0);
    JobHandle mine = client.enqueue("test.quick", 0);
    start(broker, quickOnly, clock, config("quick-only", 2).build());

    await().until(() -> mine.state() == JobState.SUCCEEDED);
    assertThat(other.state()).as("not leased, not killed").isEqualTo(JobState.QUEUED);
    assertThat(other.snapshot().attempts()).isZero();
    assertThat(other.snapshot().error()).isNull();
    assertThat(broker.workers())
        .extracting(WorkerInfo::tasks)
        .containsExactly(List.of("test.quick"));

    proceed.countDown();
    start(config("has-gate", 1).build());
    await().until(() -> other.state() == JobState.SUCCEEDED);
  }

  @Test
  void aJobOfAnUnknownTaskFromABrokerThatIgnoresTheTaskListIsHandedBackWithOneWarning() {
    // A backend that does not know the task list yet leases every job; the worker hands the ones
    // it cannot run back untouched instead of failing them, and says so once per task.
    Broker ignoresTasks =
        (Broker)
            Proxy.newProxyInstance(
                Broker.class.getClassLoader(),
                new Class<?>[] {Broker.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("lease")) {
                    LeaseRequest r = (LeaseRequest) args[0];
                    args =
                        new Object[] {
                          new LeaseRequest(r.queues(), r.max(), r.workerId(), r.duration())
                        };
                  }
                  try {
                    return method.invoke(broker, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Logger log = (Logger) LoggerFactory.getLogger(Worker.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      TaskRegistry quickOnly = new TaskRegistry();
      quickOnly.register("test.quick", Object.class, (input, ctx) -> "quick");
      JobHandle first = client.enqueue("test.gate", 0);
      JobHandle second = client.enqueue("test.gate", 1);
      Worker w = start(ignoresTasks, quickOnly, clock, config("old-broker", 1).build());

      await().until(() -> w.stats().released() >= 4);
      assertThat(List.of(first.snapshot(), second.snapshot()))
          .allSatisfy(
              j -> {
                assertThat(j.state()).isIn(JobState.QUEUED, JobState.RUNNING);
                assertThat(j.attempts()).isLessThanOrEqualTo(1);
                assertThat(j.error()).isNull();
              });
      assertThat(lines.list.stream().filter(e -> e.getFormattedMessage().contains("test.gate")))
          .as("one warning per task name")
          .hasSize(1);
    } finally {
      log.detachAppender(lines);
    }
  }

  private static Duration ofMin() {
    return Duration.ofMinutes(1);
  }
}
