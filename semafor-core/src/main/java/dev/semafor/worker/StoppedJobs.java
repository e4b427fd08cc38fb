package dev.semafor.worker;

import dev.semafor.JobError;
import java.time.Duration;

/**
 * The outcome of a job that was still running when its worker stopped (its pool stopped, the grace
 * passed, the interrupt went unheeded): a failed, retryable attempt. Its attempt counts, so a job
 * that kills its worker ({@code System.exit}) or never ends runs out of attempts and ends DEAD
 * instead of coming back for ever; the error says which it was.
 */
final class StoppedJobs {
  /** The error type of such an attempt. */
  static final String ERROR_TYPE = "dev.semafor.WorkerStopped";

  private StoppedJobs() {}

  /** The failed outcome of {@code a}, which was still running after {@code grace}. */
  static Outcome outcome(Assignment a, Duration grace) {
    Thread runner = a.runner();
    String reason =
        runner != null && callsExit(runner)
            ? "the task called System.exit while the job ran, which stopped the worker"
            : "the worker stopped (System.exit?) while the job ran, and the job did not end"
                + " within the shutdown grace of "
                + grace.toMillis()
                + " ms";
    return new Outcome.Failed(JobError.of(ERROR_TYPE, reason), true);
  }

  /** True if {@code thread} is inside {@link Runtime#exit} (a task called System.exit). */
  private static boolean callsExit(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals("java.lang.Runtime")
          && frame.getMethodName().equals("exit")) {
        return true;
      }
    }
    return false;
  }
}
