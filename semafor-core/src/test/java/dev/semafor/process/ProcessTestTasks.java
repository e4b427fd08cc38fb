package dev.semafor.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobContext;
import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Tasks that misbehave on purpose, for the process-pool tests. Each that blocks reports progress
 * "started" first, so a test knows the job is running in its child before it strikes.
 */
public final class ProcessTestTasks implements TaskModule {
  static final String PRINT = "process-test.print";
  static final String EXIT = "process-test.exit";
  static final String HALT = "process-test.halt";
  static final String OOM = "process-test.oom";
  static final String PID = "process-test.pid";

  /** How often the child's {@link ParentWatch} checks its parent now, in ms (-1: no watch). */
  static final String WATCH_EVERY = "process-test.watch-every";

  static final String BLOCK = "process-test.block";
  static final String STEPS = "process-test.steps";
  static final String AWAIT_CANCEL = "process-test.await-cancel";
  static final String BLOCK_LIMITED = "process-test.block-limited";
  static final java.time.Duration BLOCK_LIMIT = java.time.Duration.ofMillis(200);
  static final String STARTED = "started pid=";
  static final String COUNT = "process-test.count";
  static final String LOG = "process-test.log";
  static final String HOOK = "process-test.hook";
  static final String HOOK_RAN = "process-test shutdown hook ran";

  /** How many times {@link #COUNT} ran in this JVM (each child has its own). */
  static final AtomicInteger COUNTER = new AtomicInteger();

  /** Input of {@link #EXIT} and {@link #HALT}. */
  public record Code(int code) {}

  /** Input of {@link #STEPS}. */
  public record Steps(int steps) {}

  @Override
  public void register(TaskRegistry registry) {
    registry.register(PRINT, JsonNode.class, ProcessTestTasks::print);
    registry.register(
        EXIT,
        Code.class,
        (input, ctx) -> {
          System.exit(input.code());
          return null;
        });
    registry.register(
        HALT,
        Code.class,
        (input, ctx) -> {
          Runtime.getRuntime().halt(input.code());
          return null;
        });
    registry.register(OOM, JsonNode.class, (input, ctx) -> exhaustMemory());
    registry.register(PID, JsonNode.class, (input, ctx) -> ProcessHandle.current().pid());
    registry.register(
        WATCH_EVERY,
        JsonNode.class,
        (input, ctx) -> {
          ParentWatch watch = ParentWatch.started();
          return watch == null ? -1 : watch.every().toMillis();
        });
    registry.register(COUNT, JsonNode.class, (input, ctx) -> COUNTER.incrementAndGet());
    registry.register(
        LOG,
        JsonNode.class,
        (input, ctx) -> {
          ctx.log("from pid " + ProcessHandle.current().pid());
          ctx.log("two lines\nin one call: ünïcödé ✓");
          ctx.log("y".repeat(5_000));
          return null;
        });
    registry.register(
        HOOK,
        JsonNode.class,
        (input, ctx) -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(HOOK_RAN)));
          return null;
        });
    registry.register(BLOCK, JsonNode.class, (input, ctx) -> blockForever(ctx));
    registry.register(STEPS, Steps.class, ProcessTestTasks::steps);
    registry.register(AWAIT_CANCEL, JsonNode.class, ProcessTestTasks::awaitCancel);
    registry.register(
        BLOCK_LIMITED,
        JsonNode.class,
        (input, ctx) -> blockForever(ctx),
        dev.semafor.TaskOptions.defaults().timeout(BLOCK_LIMIT));
  }

  /** Prints things that would break the protocol if they reached stdout, then echoes its input. */
  private static JsonNode print(JsonNode input, JobContext ctx) {
    PrintStream out = System.out;
    out.println("hello from " + ctx.jobId());
    out.write(new byte[] {0, 0, 0, 5, '{', '}', '{', '}', '\n'}, 0, 9); // a frame-like header
    out.print("x".repeat(100_000));
    out.println();
    out.print(
        "no newline at the end, and non-ASCII: \u00e9\u4e2d"
            .getBytes(StandardCharsets.UTF_8)
            .length);
    out.flush();
    return input;
  }

  private static Object exhaustMemory() {
    List<long[]> hoard = new ArrayList<>();
    while (true) {
      hoard.add(new long[1 << 20]);
    }
  }

  /** Runs until killed: ignores interrupts and cancellation. */
  private static Object blockForever(JobContext ctx) {
    ctx.progress(0.0, STARTED + ProcessHandle.current().pid());
    while (true) {
      LockSupport.parkNanos(1_000_000L);
      Thread.interrupted();
    }
  }

  private static String steps(Steps input, JobContext ctx) throws InterruptedException {
    for (int i = 1; i <= input.steps(); i++) {
      ctx.progress((double) i / input.steps(), "step " + i);
      Thread.sleep(ChildMain.PROGRESS_INTERVAL_NANOS / 1_000_000 + 5);
    }
    return "done";
  }

  /**
   * Waits for its cancelled flag (set by a Cancel frame), then stops as a cancelled task does. With
   * {@code {"atLeastMs": n}} it runs at least that long, cancelled or not: a long job.
   */
  private static Object awaitCancel(JsonNode input, JobContext ctx) {
    ctx.progress(0.0, STARTED + ProcessHandle.current().pid());
    long atLeast = (input == null ? 0 : input.path("atLeastMs").asLong(0)) * 1_000_000L;
    long start = System.nanoTime();
    while (!ctx.isCancelled() || System.nanoTime() - start < atLeast) {
      LockSupport.parkNanos(1_000_000L);
    }
    ctx.checkCancelled();
    return null;
  }
}
