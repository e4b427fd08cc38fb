package dev.semafor;

/**
 * The code a job runs. {@code I} is the input type bound from the job's JSON payload; the returned
 * value is stored as the job's JSON result ({@code null} for none).
 *
 * <p>A task that runs long should check {@link JobContext#isCancelled()} now and then; a task that
 * throws fails the attempt, which is retried per the job's options.
 */
@FunctionalInterface
public interface Task<I, O> {
  O run(I input, JobContext context) throws Exception;
}
