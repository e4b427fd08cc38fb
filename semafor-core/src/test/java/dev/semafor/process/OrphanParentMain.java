package dev.semafor.process;

import dev.semafor.JobIds;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.worker.Assignment;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

/**
 * A parent JVM for the orphan test: starts a pool of two children, puts one of them to work on a
 * job that never ends, prints {@code pids <pid> <pid>} once that job runs, and waits to be killed.
 */
public final class OrphanParentMain {
  private OrphanParentMain() {}

  public static void main(String[] args) throws Exception {
    LinkedBlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
    ProcessPool pool = ProcessPool.builder().size(2).build();
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
}
