package dev.semafor.process;

import dev.semafor.JobIds;
import dev.semafor.Json;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.WarmUpJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A parent JVM for the orphan test: starts a pool of two children, puts one of them to work on a
 * job that never ends, prints {@code pids <pid> <pid>} once that job runs, and waits to be killed.
 * With the argument {@value #STARTING} it starts two children whose warm-up never ends instead, and
 * prints their pids once both are in it (each has printed from its first warm-up job).
 */
public final class OrphanParentMain {
  private OrphanParentMain() {}

  static final String STARTING = "starting";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(STARTING)) {
      startingChildren();
      return;
    }
    LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
    ProcessPool pool = PoolFixture.builder().size(2).build();
    pool.start(inbox, (a, o) -> {});
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
    System.out.println(
        "pids " + pool.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    new CountDownLatch(1).await();
  }

  private static void startingChildren() throws Exception {
    ChildCommand command =
        ChildCommand.ofCurrentJvm(
            PoolFixture.CHILD_JVM,
            List.of(),
            List.of(
                new WarmUpJob(ProcessTestTasks.PRINT, "{}"),
                new WarmUpJob(ProcessTestTasks.BLOCK, "{}")));
    FrameCodec codec = new FrameCodec(Json.defaults());
    CountDownLatch warmingUp = new CountDownLatch(2);
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CountDownLatch printed = new CountDownLatch(1);
      Consumer<String> output =
          line -> {
            if (line.contains("hello from warm-up") && printed.getCount() > 0) {
              printed.countDown();
              warmingUp.countDown();
            }
          };
      pids.add(ChildProcess.start(command, codec, output).pid());
    }
    if (!warmingUp.await(2, TimeUnit.MINUTES)) {
      System.err.println("the children did not reach their warm-up");
    }
    System.out.println(
        "pids " + pids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
