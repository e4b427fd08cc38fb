package dev.semafor.worker;

import dev.semafor.JobContext;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import java.util.Objects;

/**
 * A job that each child of a process pool runs before it reports ready, so that the one-time costs
 * of a task (loading its classes, Jackson's binding of its input and result, the JIT's
 * compilations) are paid before the child takes real work rather than by its first jobs. Set with
 * {@code ProcessPoolBuilder.warmUps} or {@link WorkerConfig.Builder#childWarmUps}.
 *
 * <p>A child runs its warm-up jobs in passes, all of them in order each time, until a pass is no
 * faster than the fastest before it (at least three passes and at most twenty, and no new pass
 * after a second of them): the JIT compiles hot code in the background while the first pass runs,
 * and the child is warm only once that code is in use.
 *
 * <p>Choose warm-ups that take the ways through the task that real jobs take (for a primality
 * check: a prime, a composite, an even number): the JIT compiles a branch it has never seen taken
 * as a trap, and the first real job to take it throws the compiled code out and runs slowly until
 * it is compiled again.
 *
 * <p>A warm-up job names a task by its registered name; the child looks it up in its own registry,
 * so a warm-up can never make a child load a class. Its results are discarded; if it fails (or
 * names a task the child does not know), the child says so once on its stderr and carries on. It
 * runs with a context whose job id is {@code warm-up-N} and whose queue is {@code warm-up}; it is
 * never cancelled, and counts against the pool's start timeout.
 *
 * @param task a registered task name
 * @param input the task's input as JSON text (compact; {@code null} when none is given)
 */
public record WarmUpJob(String task, String input) {
  public WarmUpJob {
    Objects.requireNonNull(task, "task");
    if (task.isBlank()) {
      throw new IllegalArgumentException("a warm-up job needs a task name");
    }
    task = task.trim();
    try {
      input = Json.defaults().normalize(input);
    } catch (PayloadException e) {
      throw new IllegalArgumentException(
          "the input of warm-up job " + task + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** A warm-up of {@code task} with {@code input} written as JSON by the default codec. */
  public static WarmUpJob of(String task, Object input) {
    return new WarmUpJob(task, Json.defaults().write(input));
  }

  /**
   * Parses {@code TASK} or {@code TASK=JSON}, e.g. {@code semafor.primes={"n":2}} (the input is
   * everything after the first {@code =}; without one it is {@code null}).
   *
   * @throws IllegalArgumentException if the task name is blank or the input is not JSON
   */
  public static WarmUpJob parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    int eq = spec.indexOf('=');
    return eq < 0
        ? new WarmUpJob(spec, null)
        : new WarmUpJob(spec.substring(0, eq), spec.substring(eq + 1));
  }

  /**
   * Runs this job once with {@code executor} on the calling thread, as a child does before it
   * reports ready; {@code index} numbers its job id. Never throws: what happened is the outcome.
   */
  public Outcome run(JobExecutor executor, int index) {
    return executor.execute(task, input, new Context(task, "warm-up-" + index));
  }

  @Override
  public String toString() {
    return task + "=" + input;
  }

  /** The context of a warm-up run: never cancelled, progress ignored. */
  private record Context(String task, String jobId) implements JobContext {
    @Override
    public String queue() {
      return "warm-up";
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public int maxAttempts() {
      return 1;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void progress(double fraction, String message) {}
  }
}
