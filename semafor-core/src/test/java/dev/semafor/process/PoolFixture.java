package dev.semafor.process;

import static org.awaitility.Awaitility.await;

import dev.semafor.JobIds;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A started {@link ProcessPool} with a real inbox and a sink that records outcomes and progress,
 * for tests. Jobs are {@link JobRecord}s under a lease, as a worker would hand them over.
 */
final class PoolFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * The options of the tests' child JVMs: the product's defaults ({@link ChildJvmOptions#of}) with
   * a 64 MB heap and the C1 compiler only ({@code -XX:TieredStopAtLevel=1}). A child here lives for
   * a few short jobs, and most of its CPU is its own start-up, of which C2's compilations were
   * about a third (0.52 CPU-s a child before, 0.36 after).
   */
  static final List<String> CHILD_JVM = childJvm("64m");

  static {
    ChildImage.install(); // every test that starts a child comes here first
  }

  /** {@link #CHILD_JVM} with a heap of {@code heap} (e.g. 32m, for a test that runs out of it). */
  static List<String> childJvm(String heap) {
    return ChildJvmOptions.of(heap, List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
  }

  /** A pool builder whose children start with {@link #CHILD_JVM}. */
  static ProcessPoolBuilder builder() {
    return ProcessPool.builder().jvmOptions(CHILD_JVM);
  }

  final BlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
  final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
  final List<String> progress = new CopyOnWriteArrayList<>();
  final List<String> childOutput = new CopyOnWriteArrayList<>();
  final ProcessPool pool;

  PoolFixture(ProcessPoolBuilder builder) {
    pool =
        builder
            .childOutput(
                line -> {
                  childOutput.add(line);
                  System.err.println(line);
                })
            .build();
    pool.start(inbox, (assignment, outcome) -> future(assignment.jobId()).complete(outcome));
  }

  static PoolFixture of(int size) {
    return new PoolFixture(builder().size(size));
  }

  Assignment submit(String task, String input) {
    return submit(task, input, b -> b);
  }

  Assignment submit(String task, String input, UnaryOperator<JobRecord.Builder> options) {
    Assignment assignment =
        assignment(
            task,
            input,
            options,
            (a, fraction, message) -> progress.add(a.jobId() + " " + fraction + " " + message));
    inbox.add(assignment);
    return assignment;
  }

  /** A job of {@code task} under a lease, as a worker hands it to a pool; in no inbox yet. */
  static Assignment assignment(String task, String input) {
    return assignment(task, input, b -> b, (a, fraction, message) -> {});
  }

  private static Assignment assignment(
      String task,
      String input,
      UnaryOperator<JobRecord.Builder> options,
      Assignment.ProgressSink progress) {
    Instant now = Instant.now();
    JobRecord job =
        options
            .apply(
                JobRecord.builder()
                    .id(JobIds.next(now))
                    .task(task)
                    .input(input)
                    .attempts(1)
                    .runAt(now)
                    .enqueuedAt(now))
            .build();
    return new Assignment(
        new Lease(job, "token", now.plusSeconds(60)), progress, System.nanoTime());
  }

  Outcome outcome(Assignment assignment) throws Exception {
    return future(assignment.jobId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until the job's task reports it started, and returns the pid of its child. */
  long awaitStarted(Assignment assignment) {
    String prefix = assignment.jobId() + " 0.0 " + ProcessTestTasks.STARTED;
    String line =
        await()
            .atMost(WAIT)
            .until(
                () -> progress.stream().filter(p -> p.startsWith(prefix)).findFirst().orElse(null),
                java.util.Objects::nonNull);
    return Long.parseLong(line.substring(prefix.length()));
  }

  /** Waits until the pool has {@code size} live children again, none of them {@code gone}. */
  List<Long> awaitFullWithout(int size, long gone) {
    return await()
        .atMost(WAIT)
        .until(pool::pids, pids -> pids.size() == size && !pids.contains(gone));
  }

  /**
   * Waits until the pool is idle (no job running or waiting) with {@code size} live children, and
   * returns their pids: the state a test that shares a pool starts from and leaves it in.
   */
  List<Long> awaitIdle(int size) {
    return await()
        .atMost(WAIT)
        .until(
            pool::pids,
            pids ->
                pids.size() == size
                    && pids.stream().allMatch(PoolFixture::alive)
                    && pool.running() == 0
                    && inbox.isEmpty());
  }

  private CompletableFuture<Outcome> future(String jobId) {
    return outcomes.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void close() {
    pool.close();
  }
}
