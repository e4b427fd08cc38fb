package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.ExecutionModel;
import dev.semafor.JobIds;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The in-process pools keep their members whatever a job or a callback does to them. */
class InProcessPoolTest {
  private static final String STUBBORN = StubbornTask.NAME;
  private static final String WHERE = "test.where";

  private final TaskRegistry registry = TaskRegistry.withBuiltins();
  private final JobExecutor executor = new JobExecutor(registry, Json.defaults());
  private final BlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
  private final BlockingQueue<Assignment> done = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicReference<Thread> ranOn = new AtomicReference<>();
  private ExecutionPool pool;

  /** One-member pools of each in-process kind. */
  enum Kind {
    LOOP(e -> new LoopPool(ExecutionModel.THREADS, 1, e, "test")),
    VIRTUAL(e -> new VirtualPool(1, e, "test"));

    final Function<JobExecutor, ExecutionPool> create;

    Kind(Function<JobExecutor, ExecutionPool> create) {
      this.create = create;
    }
  }

  InProcessPoolTest() {
    StubbornTask.register(registry, started, release);
    registry.register(
        WHERE,
        Object.class,
        (in, ctx) -> {
          ranOn.set(Thread.currentThread());
          return null;
        });
  }

  @AfterEach
  void closePool() throws InterruptedException {
    release.countDown();
    if (pool != null) {
      pool.stop(Duration.ofSeconds(5));
      pool.close();
    }
  }

  private static Assignment assignment(String task) {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder().id(JobIds.next(now)).task(task).runAt(now).enqueuedAt(now).build();
    return new Assignment(new Lease(job, "t", now.plusSeconds(60)), (a, f, m) -> {}, 0);
  }

  private void startLoopPool(OutcomeSink sink) {
    pool = new LoopPool(ExecutionModel.THREADS, 1, executor, "test");
    pool.start(inbox, sink);
  }

  private Assignment run(String task) throws InterruptedException {
    Assignment a = assignment(task);
    inbox.put(a);
    return a;
  }

  private void assertDone(Assignment a) throws InterruptedException {
    assertThat(done.poll(10, TimeUnit.SECONDS)).as("the outcome of " + a).isSameAs(a);
  }

  @Test
  void aStrayInterruptWhileAMemberWaitsForWorkDoesNotEndIt() throws Exception {
    startLoopPool((a, o) -> done.add(a));
    assertDone(run(WHERE));
    Thread member = ranOn.get();
    await().until(() -> member.getState() == Thread.State.WAITING); // back in take()

    member.interrupt(); // as a cancel or time-out aimed at its last job could, landing late

    assertDone(run(BuiltinTasks.NOOP));
  }

  @Test
  void aMemberKilledByItsCallbackIsReplaced() throws Exception {
    AtomicBoolean first = new AtomicBoolean(true);
    startLoopPool(
        (a, o) -> {
          done.add(a);
          if (first.getAndSet(false)) {
            throw new AssertionError("the sink broke");
          }
        });
    assertDone(run(BuiltinTasks.NOOP));

    assertDone(run(BuiltinTasks.NOOP));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anAbandonedJobGivesItsPlaceToTheNext(Kind kind) throws Exception {
    pool = kind.create.apply(executor);
    pool.start(inbox, (a, o) -> done.add(a));
    Assignment stubborn = run(STUBBORN);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    pool.abandon(stubborn);

    assertDone(run(BuiltinTasks.NOOP));
    release.countDown();
    assertDone(stubborn); // its late outcome still reaches the sink, which ignores it
  }
}
