package dev.semafor.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A broker that forwards every call to another: subclass it to change a few calls and keep the rest
 * (a decorator that counts or refuses some calls, a test that drives {@link #awaitWork}). It does
 * not pass on {@link #inProcess()}: a decorator may add I/O or waits of its own, so it says it is
 * in-process only if it overrides that.
 */
public abstract class ForwardingBroker implements Broker {
  private final Broker delegate;

  protected ForwardingBroker(Broker delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  /** The broker every call goes to. */
  protected final Broker delegate() {
    return delegate;
  }

  @Override
  public List<JobRecord> enqueue(List<JobRecord> jobs) {
    return delegate.enqueue(jobs);
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    return delegate.enqueueGroup(group, members);
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    return delegate.lease(request);
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    return delegate.heartbeat(leases, extension);
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    return delegate.complete(completions);
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    return delegate.fail(failures);
  }

  @Override
  public void release(List<LeaseRef> leases) {
    delegate.release(leases);
  }

  @Override
  public void markStarted(List<LeaseRef> leases) {
    delegate.markStarted(leases);
  }

  @Override
  public List<TaskCount> queuedTasks() {
    return delegate.queuedTasks();
  }

  @Override
  public void progress(LeaseRef lease, double fraction, @Nullable String message) {
    delegate.progress(lease, fraction, message);
  }

  @Override
  public List<Boolean> appendLogs(List<LogLines> logs) {
    return delegate.appendLogs(logs);
  }

  @Override
  public List<LogLine> logs(String jobId) {
    return delegate.logs(jobId);
  }

  @Override
  public CancelResult cancel(String jobId) {
    return delegate.cancel(jobId);
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return delegate.cancelRequested(workerId);
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, @Nullable JobRecord job) {
    return delegate.claimTick(schedule, tick, job);
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return delegate.schedules();
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return delegate.get(jobId);
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    return delegate.query(query);
  }

  @Override
  public List<QueueStats> stats() {
    return delegate.stats();
  }

  @Override
  public boolean pauseQueue(String queue) {
    return delegate.pauseQueue(queue);
  }

  @Override
  public boolean resumeQueue(String queue) {
    return delegate.resumeQueue(queue);
  }

  @Override
  public List<String> pausedQueues() {
    return delegate.pausedQueues();
  }

  @Override
  public int reapExpiredLeases() {
    return delegate.reapExpiredLeases();
  }

  @Override
  public int prune(Duration retention) {
    return delegate.prune(retention);
  }

  @Override
  public boolean retry(String jobId) {
    return delegate.retry(jobId);
  }

  @Override
  public boolean delete(String jobId) {
    return delegate.delete(jobId);
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    delegate.registerWorker(info);
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    delegate.heartbeatWorker(workerId, inFlight);
  }

  @Override
  public List<WorkerInfo> workers() {
    return delegate.workers();
  }

  @Override
  public void unregisterWorker(String workerId) {
    delegate.unregisterWorker(workerId);
  }

  @Override
  public void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    delegate.awaitWork(queues, timeout);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
