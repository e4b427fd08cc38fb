package dev.semafor.worker;

import dev.semafor.broker.Broker;
import dev.semafor.broker.CancelResult;
import dev.semafor.broker.Completion;
import dev.semafor.broker.Failure;
import dev.semafor.broker.GroupRecord;
import dev.semafor.broker.JobQuery;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRef;
import dev.semafor.broker.LeaseRequest;
import dev.semafor.broker.LeaseStatus;
import dev.semafor.broker.MemoryBroker;
import dev.semafor.broker.QueueStats;
import dev.semafor.broker.ScheduleRecord;
import dev.semafor.broker.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting seam over a real {@link MemoryBroker}: a test sets a {@link Fault} on an
 * operation (throw, or block on a latch) and the call then goes to the memory broker as usual.
 */
final class FaultyBroker implements Broker {
  /** Runs before an operation; may throw or block. */
  @FunctionalInterface
  interface Fault {
    void before() throws InterruptedException;
  }

  private static final Fault NONE = () -> {};

  final MemoryBroker memory = new MemoryBroker();
  volatile Fault onComplete = NONE;
  volatile Fault onPrune = NONE;
  final AtomicInteger completeCalls = new AtomicInteger();
  final AtomicInteger heartbeats = new AtomicInteger();

  private static void apply(Fault fault) {
    try {
      fault.before();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in a fault", e);
    }
  }

  @Override
  public List<JobRecord> enqueue(List<JobRecord> jobs) {
    return memory.enqueue(jobs);
  }

  @Override
  public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
    return memory.enqueueGroup(group, members);
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    return memory.lease(request);
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    heartbeats.incrementAndGet();
    return memory.heartbeat(leases, extension);
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    completeCalls.incrementAndGet();
    apply(onComplete);
    return memory.complete(completions);
  }

  @Override
  public List<Boolean> fail(List<Failure> failures) {
    return memory.fail(failures);
  }

  @Override
  public void release(List<LeaseRef> leases) {
    memory.release(leases);
  }

  @Override
  public void progress(LeaseRef lease, double fraction, String message) {
    memory.progress(lease, fraction, message);
  }

  @Override
  public CancelResult cancel(String jobId) {
    return memory.cancel(jobId);
  }

  @Override
  public List<String> cancelRequested(String workerId) {
    return memory.cancelRequested(workerId);
  }

  @Override
  public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
    return memory.claimTick(schedule, tick, job);
  }

  @Override
  public List<ScheduleRecord> schedules() {
    return memory.schedules();
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return memory.get(jobId);
  }

  @Override
  public List<JobRecord> query(JobQuery query) {
    return memory.query(query);
  }

  @Override
  public List<QueueStats> stats() {
    return memory.stats();
  }

  @Override
  public int reapExpiredLeases() {
    return memory.reapExpiredLeases();
  }

  @Override
  public int prune(Duration retention) {
    apply(onPrune);
    return memory.prune(retention);
  }

  @Override
  public boolean retry(String jobId) {
    return memory.retry(jobId);
  }

  @Override
  public boolean delete(String jobId) {
    return memory.delete(jobId);
  }

  @Override
  public void registerWorker(WorkerInfo info) {
    memory.registerWorker(info);
  }

  @Override
  public void heartbeatWorker(String workerId, int inFlight) {
    memory.heartbeatWorker(workerId, inFlight);
  }

  @Override
  public List<WorkerInfo> workers() {
    return memory.workers();
  }

  @Override
  public void unregisterWorker(String workerId) {
    memory.unregisterWorker(workerId);
  }

  @Override
  public String describe() {
    return "faulty " + memory.describe();
  }

  @Override
  public void close() {
    memory.close();
  }
}
