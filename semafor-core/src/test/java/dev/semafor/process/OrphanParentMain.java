package dev.semafor.process;

import dev.semafor.JobIds;
import dev.semafor.Json;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.WarmUpJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A parent JVM for the orphan test: starts a pool of two children and puts one of them to work on a
 * job that never ends, starts one more child whose warm-up never ends, prints {@code pids <serving>
 * <serving> <warming>} once the job runs and the third child is in its warm-up (it has printed from
 * its first warm-up job), and waits to be killed.
 */
public final class OrphanParentMain {
  private OrphanParentMain() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch printed = new CountDownLatch(1);
    long warming = startWarmingChild(printed); // it starts while the pool's children do
    LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
    ProcessPool pool = PoolFixture.builder().size(2).build();
    pool.start(inbox, (a, o) -> {});
    if (!printed.await(2, TimeUnit.MINUTES)) {
      System.err.println("the child did not reach its warm-up");
    }
    CountDownLatch started = new CountDownLatch(1);
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task(ProcessTestTasks.BLOCK)
            .attempts(1)
            .runAt(now)
            .enqueuedAt(now)
            .build();
    inbox.add(
        new Assignment(
            new Lease(job, "token", now.plusSeconds(600)),
            (a, fraction, message) -> started.countDown(),
            System.nanoTime()));
    started.await();
    List<Long> pids = new ArrayList<>(pool.pids());
    pids.add(warming);
    System.out.println(
        "pids " + pids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    new CountDownLatch(1).await();
  }

  /**
   * Starts a child whose warm-up never ends and returns its pid; {@code printed} is counted down
   * once it is in that warm-up.
   */
  private static long startWarmingChild(CountDownLatch printed) throws Exception {
    ChildCommand command =
        ChildCommand.ofCurrentJvm(
            PoolFixture.CHILD_JVM,
            List.of(),
            List.of(
                new WarmUpJob(ProcessTestTasks.PRINT, "{}"),
                new WarmUpJob(ProcessTestTasks.BLOCK, "{}")));
    return ChildProcess.start(
            command,
            new FrameCodec(Json.defaults()),
            line -> {
              if (line.contains("hello from warm-up")) {
                printed.countDown();
              }
            })
        .pid();
  }
}
