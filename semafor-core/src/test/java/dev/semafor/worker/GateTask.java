package dev.semafor.worker;

import dev.semafor.JobIds;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test task that waits at a gate its test opens, and counts how many run at once: for tests of
 * the pools alone, which hand them {@link #assignment}s without a broker.
 */
final class GateTask {
  static final String NAME = "test.gate";

  /** A permit per job that entered the task. */
  final Semaphore entered = new Semaphore(0);

  final CountDownLatch gate = new CountDownLatch(1);
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();
  final AtomicInteger interrupted = new AtomicInteger();

  GateTask(TaskRegistry registry) {
    registry.register(
        NAME,
        Object.class,
        (in, ctx) -> {
          int now = running.incrementAndGet();
          mostAtOnce.accumulateAndGet(now, Math::max);
          entered.release();
          try {
            gate.await();
            return "through";
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          } finally {
            running.decrementAndGet();
          }
        });
  }

  /** Puts {@code n} jobs of this task in {@code inbox}. */
  static void queue(java.util.concurrent.BlockingQueue<Assignment> inbox, int n)
      throws InterruptedException {
    for (int i = 0; i < n; i++) {
      inbox.put(assignment(NAME));
    }
  }

  /** After a test: opens the gate, then stops and closes {@code pool} (if it was made). */
  void openAndClose(ExecutionPool pool) throws InterruptedException {
    gate.countDown();
    if (pool != null) {
      pool.stop(java.time.Duration.ofSeconds(5));
      pool.close();
    }
  }

  /** An assignment of a new job of {@code task}, as if leased for a minute. */
  static Assignment assignment(String task) {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder().id(JobIds.next(now)).task(task).runAt(now).enqueuedAt(now).build();
    return new Assignment(new Lease(job, "t", now.plusSeconds(60)), (a, f, m) -> {}, 0);
  }
}
