package dev.semafor.process;

import dev.semafor.JobTimeoutException;
import dev.semafor.process.ChildProcess.KillReason;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import java.time.Duration;

/** What a job's outcome is when its child's output ended before the job's Done frame. */
final class Outcomes {
  private Outcomes() {}

  /**
   * The outcome of {@code running}, whose child {@code c} ended with {@code exitCode}: a timeout or
   * a cancellation if the pool killed it for that, else a death that says how the process ended.
   */
  static Outcome ofEnd(Assignment running, ChildProcess c, int exitCode, Duration cancelGrace) {
    KillReason reason = c.killReason();
    if (reason == KillReason.TIMEOUT) {
      Duration limit = running.timeLimit();
      String message = new JobTimeoutException(running.jobId(), limit).getMessage();
      return Member.failed(
          JobTimeoutException.class, message + "; " + c + " was killed and replaced", true);
    }
    if (reason == KillReason.CANCEL_GRACE) {
      return new Outcome.Cancelled(
          "cancelled; "
              + c
              + " did not stop within "
              + cancelGrace.toMillis()
              + " ms and was killed");
    }
    if (reason == KillReason.CLOSED) {
      return Member.failed(
          WorkerProcessDiedException.class,
          c + " was killed because the process pool closed",
          true);
    }
    return Member.failed(
        WorkerProcessDiedException.class,
        c
            + " died while running job "
            + running.jobId()
            + ": "
            + ExitStatus.describe(exitCode)
            + c.lastOutput(),
        true);
  }
}
