package dev.semafor.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The start-up warm-up of a {@link ChildMain}, before it reports ready: first {@link #inMemory}
 * (the input bindings, one {@code semafor.noop}, the codec), then {@link #runJobs} (the pool's
 * {@link WarmUpJob}s, which travel in {@link ChildMain#WARM_UP_ENV} as {@link #warmUpText}'s JSON,
 * run in passes until the JIT is done with them).
 *
 * <p>The warm-up jobs run through {@link ChildMain#runJob} of a child whose protocol stream is
 * discarded, not through an executor of their own: see {@code ChildMain.main}.
 */
final class ChildWarmUp {
  private ChildWarmUp() {}

  /**
   * Builds the JSON binding of every task's input type, runs one {@code semafor.noop} and passes
   * one frame of each type through the codec in memory before the child reports ready, so that its
   * first jobs do not pay for that (about 100–200 ms in a fresh JVM).
   */
  static void inMemory(TaskRegistry registry, JobExecutor executor, Json json, FrameCodec codec) {
    codec.warmUp();
    for (String name : registry.names()) {
      try {
        json.mapper().readerFor(registry.require(name).inputType());
      } catch (RuntimeException e) {
        // the job itself will report a type that cannot bind
      }
    }
    if (registry.contains(BuiltinTasks.NOOP)) {
      WarmUpJob.of(BuiltinTasks.NOOP, null).run(executor, 0);
    }
  }

  /** The warm-up jobs run at least this many times, time permitting. */
  static final int MIN_PASSES = 3;

  /** ... and at most this many. */
  static final int MAX_PASSES = 20;

  /** No pass starts after the passes so far took this long. */
  static final long BUDGET_NANOS = 1_000_000_000L;

  /**
   * A pass counts as faster than the best before only if it takes less than this share of it: the
   * rest is noise.
   */
  static final double FASTER = 0.9;

  /**
   * Runs the pool's warm-up jobs given in {@code text} (the value of {@link ChildMain#WARM_UP_ENV};
   * null: none) one after another on {@code child}, each from a run frame that went through {@code
   * codec} as the parent's do, discarding their results; a failure, or text that cannot be read, is
   * written to stderr (once) and does not stop the child.
   *
   * <p>One pass over the jobs is not enough to make a child warm: the JIT compiles a loop in the
   * background while the first run goes on, and the optimized code is ready only a little later. So
   * the jobs run in passes until a pass is no faster than the fastest before it (at least {@link
   * #MIN_PASSES} passes, at most {@link #MAX_PASSES}), and no pass starts after {@link
   * #BUDGET_NANOS} of them: a warm-up that takes a second runs once. Returns the passes made.
   * Failures are reported from the first pass only.
   */
  static int runJobs(ChildMain child, FrameCodec codec, String text) {
    return runJobs(child, codec, text, BUDGET_NANOS);
  }

  /** {@link #runJobs(ChildMain, FrameCodec, String)} with a budget of {@code budgetNanos}. */
  static int runJobs(ChildMain child, FrameCodec codec, String text, long budgetNanos) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    List<WarmUpJob> jobs;
    try {
      jobs = warmUpsFrom(text);
    } catch (RuntimeException e) {
      System.err.println(
          "semafor child: ignoring the warm-up jobs in "
              + ChildMain.WARM_UP_ENV
              + ": "
              + e.getMessage());
      return 0;
    }
    if (jobs.isEmpty()) {
      return 0;
    }
    long spent = 0;
    long best = Long.MAX_VALUE;
    int pass = 0;
    while (pass < MAX_PASSES && (pass == 0 || spent < budgetNanos)) {
      pass++;
      long start = System.nanoTime();
      runPass(child, codec, jobs, pass == 1);
      long took = System.nanoTime() - start;
      spent += took;
      if (pass >= MIN_PASSES && took >= best * FASTER) {
        break; // no faster than before: warm
      }
      best = Math.min(best, took);
    }
    return pass;
  }

  /** Runs each job once, saying on stderr what failed if {@code report}. */
  private static void runPass(
      ChildMain child, FrameCodec codec, List<WarmUpJob> jobs, boolean report) {
    for (int i = 0; i < jobs.size(); i++) {
      WarmUpJob job = jobs.get(i);
      Outcome outcome = child.runJob(throughCodec(codec, runFrame(job, "warm-up-" + (i + 1))));
      if (!report) {
        continue;
      }
      switch (outcome) {
        case Outcome.Succeeded ok -> {}
        case Outcome.Failed failed ->
            System.err.println(
                "semafor child: warm-up job "
                    + (i + 1)
                    + " ("
                    + job.task()
                    + ") failed, carrying on: "
                    + failed.error());
        case Outcome.Cancelled cancelled ->
            System.err.println(
                "semafor child: warm-up job "
                    + (i + 1)
                    + " ("
                    + job.task()
                    + ") was cancelled, carrying on: "
                    + cancelled.reason());
      }
    }
  }

  /** {@code run} encoded and read back, as a real job's frame arrives from the pipe. */
  private static Frame.Run throughCodec(FrameCodec codec, Frame.Run run) {
    try {
      return (Frame.Run) codec.read(new ByteArrayInputStream(codec.encode(run)));
    } catch (IOException | RuntimeException e) {
      return run; // a frame over the size limit: the warm-up runs it as it is
    }
  }

  /** The JSON text of {@link ChildMain#WARM_UP_ENV} for {@code jobs}. */
  static String warmUpText(List<WarmUpJob> jobs) {
    ArrayNode array = Json.defaults().mapper().createArrayNode();
    for (WarmUpJob job : jobs) {
      array.addObject().put("task", job.task()).put("input", job.input());
    }
    return array.toString();
  }

  /**
   * Reads {@link #warmUpText}'s form back; throws {@link IllegalArgumentException} if it is not.
   */
  static List<WarmUpJob> warmUpsFrom(String text) {
    JsonNode tree;
    try {
      tree = Json.defaults().tree(text);
    } catch (PayloadException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!tree.isArray()) {
      throw new IllegalArgumentException("expected a JSON array, got " + tree.getNodeType());
    }
    List<WarmUpJob> jobs = new ArrayList<>();
    for (JsonNode node : tree) {
      JsonNode task = node.get("task");
      JsonNode input = node.get("input");
      if (task == null || !task.isTextual() || input == null || !input.isTextual()) {
        throw new IllegalArgumentException(
            "each warm-up job needs the text fields 'task' and 'input': " + node);
      }
      jobs.add(new WarmUpJob(task.asText(), input.asText()));
    }
    return jobs;
  }

  /** {@code job} as a run frame with id {@code jobId}, as a child runs it before it is ready. */
  static Frame.Run runFrame(WarmUpJob job, String jobId) {
    return new Frame.Run(
        jobId, job.task(), "warm-up", 1, 1, job.input() == null ? "null" : job.input());
  }
}
