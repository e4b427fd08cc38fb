package dev.semafor.spi;

/**
 * Job control: an operator's actions on jobs and queues (dashboard, HTTP API, {@code semafor
 * cancel|retry|delete|pause|resume}). Each call is atomic; none is on a worker's hot path.
 */
public interface JobAdmin {

  /**
   * Cancels a job: a waiting one at once; a running one is marked, and its worker learns it from
   * {@link JobFlow#heartbeat} or {@link JobFlow#cancelRequested}.
   */
  CancelResult cancel(String jobId);

  /**
   * Puts a {@code DEAD} or {@code CANCELLED} job back on its queue as if newly enqueued: state
   * {@code QUEUED}, run-at now, attempts reset to 0, result and finish time cleared. The last error
   * is kept, so the job's history still says why it died. An operator's action (dashboard, {@code
   * semafor retry}), not the core's retry policy.
   *
   * <p>Unique keys hold here as at {@link JobFlow#enqueue}: a job whose {@link
   * JobRecord#uniqueKey()} is held by another job that is {@code SCHEDULED}, {@code QUEUED} or
   * {@code RUNNING} is not retried (whatever its {@link dev.semafor.UniquePolicy}: a retry never
   * cancels the holder), and nothing changes. The check and the change are atomic.
   *
   * @return true if the job was retried; false if there is no such job or it is in another state
   * @throws dev.semafor.UniqueKeyConflictException if another active job holds the job's unique
   *     key; its message names the job, the key and the holder
   */
  boolean retry(String jobId);

  /**
   * Deletes one finished job ({@code SUCCEEDED}, {@code DEAD} or {@code CANCELLED}) at once.
   *
   * @return true if it was deleted; false if there is no such job or it has not finished
   */
  boolean delete(String jobId);

  /**
   * Pauses a queue: {@link JobFlow#lease} skips it until it is {@linkplain #resumeQueue resumed}.
   * Its jobs keep their place in line, {@link JobFlow#enqueue} still stores new ones, and the jobs
   * already leased run to their end. The state is stored with the jobs (it outlives the process, as
   * they do) and is seen by every handle on the same store at once. A queue exists by name: one
   * that holds no job may be paused, and jobs enqueued on it later wait. A worker idle on a paused
   * queue waits in {@link WorkSignal#awaitWork} as on an empty one (it does not spin).
   *
   * @return true if the queue was not paused before; false if it was (nothing changes)
   * @throws IllegalArgumentException if {@code queue} is not a valid queue name ({@link
   *     dev.semafor.Names#queue})
   */
  boolean pauseQueue(String queue);

  /**
   * Resumes a paused queue: its jobs are leased again, in their place in line, and workers waiting
   * on it in {@link WorkSignal#awaitWork} wake as after an enqueue.
   *
   * @return true if the queue was paused; false if it was not (nothing changes)
   * @throws IllegalArgumentException if {@code queue} is not a valid queue name
   */
  boolean resumeQueue(String queue);
}
