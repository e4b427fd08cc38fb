package dev.semafor.worker;

import dev.semafor.ExecutionModel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * The execution units a worker runs jobs on. A pool's members take {@link Assignment}s from the
 * worker's local queue, run each, and report an {@link Outcome}; a member that takes {@link
 * Assignment#POISON} exits. There is one pool per execution model and one way to run each.
 *
 * <h2>Lifecycle</h2>
 *
 * NEW ─start─▶ RUNNING ─stop─▶ STOPPED. {@link #stop} puts one poison pill per member behind the
 * work already queued and waits for the members to exit; what is still running after the grace
 * period is interrupted (threads) or killed (processes) by {@link #close}.
 */
public interface ExecutionPool extends AutoCloseable {
  /**
   * Makes the pool of one execution model for a worker; found with {@link java.util.ServiceLoader}.
   * How the process pool plugs in; internal, not for applications.
   */
  interface Provider {
    ExecutionModel model();

    /** A new pool for a worker of {@code config} that runs jobs with {@code executor}. */
    ExecutionPool create(WorkerConfig config, JobExecutor executor);
  }

  ExecutionModel model();

  /** How many jobs may run at once. */
  int concurrency();

  /** Starts the members. */
  void start(BlockingQueue<Assignment> inbox, OutcomeSink sink);

  /**
   * Sends one poison pill per member and waits up to {@code grace} for all to exit.
   *
   * @return true if every member exited in time
   */
  boolean stop(Duration grace) throws InterruptedException;

  /**
   * The worker has recorded {@code assignment} as over its time limit while its thread still runs
   * it (a task that ignores interrupts): the pool gives that thread up and puts a new member in its
   * place, so the pool keeps its concurrency; the old thread exits once its task returns, and what
   * the task returns is ignored. Pools that can stop a job themselves (processes) do nothing.
   */
  default void abandon(Assignment assignment) {}

  /** Jobs running right now. */
  int running();

  /** Stops at once: interrupts or kills whatever still runs. Idempotent. */
  @Override
  void close();
}
