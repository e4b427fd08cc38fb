package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.TaskRegistry;
import dev.semafor.broker.Broker;
import dev.semafor.broker.CancelResult;
import dev.semafor.broker.Completion;
import dev.semafor.broker.Failure;
import dev.semafor.broker.JobQuery;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRef;
import dev.semafor.broker.LeaseRequest;
import dev.semafor.broker.LeaseStatus;
import dev.semafor.broker.MemoryBroker;
import dev.semafor.broker.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A backend that refuses the admin operations (retry, delete, worker registry, schedules: a
 * read-only replica, say, throwing {@link UnsupportedOperationException}) gets a 501 that says so
 * for those endpoints, and everything else still works.
 */
class OlderBrokerTest {

  @Test
  void adminEndpointsAnswer501AndTheRestWorks() {
    try (MemoryBroker memory = new MemoryBroker();
        DashboardServer server =
            DashboardServer.builder(new CoreOnly(memory))
                .port(0)
                .registry(TaskRegistry.withBuiltins())
                .build()
                .start()) {
      Http http = Http.to(server);
      Http.Response created = http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\"}");
      assertThat(created.status()).isEqualTo(201);
      String id = created.json().get("id").asText();
      memory.cancel(id);

      ApiFixture.assertProblem(
          http.method("POST", "/api/v1/jobs/" + id + "/retry"), 501, "not-implemented");
      ApiFixture.assertProblem(http.delete("/api/v1/jobs/" + id), 501, "not-implemented");
      ApiFixture.assertProblem(http.get("/api/v1/workers"), 501, "not-implemented");
      ApiFixture.assertProblem(http.get("/api/v1/schedules"), 501, "not-implemented");
      assertThat(http.get("/api/v1/queues").status()).isEqualTo(200);
      assertThat(http.get("/api/v1/jobs/" + id).json().get("state").asText())
          .isEqualTo("cancelled");
    }
  }

  /** A broker that refuses admin operations; every other call goes to a memory broker. */
  private record CoreOnly(Broker delegate) implements Broker {
    @Override
    public List<JobRecord> enqueue(List<JobRecord> jobs) {
      return delegate.enqueue(jobs);
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
    public List<dev.semafor.broker.TaskCount> queuedTasks() {
      throw new UnsupportedOperationException("this broker does not count waiting jobs by task");
    }

    @Override
    public void progress(LeaseRef lease, double fraction, String message) {
      delegate.progress(lease, fraction, message);
    }

    @Override
    public CancelResult cancel(String jobId) {
      return delegate.cancel(jobId);
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
    public int reapExpiredLeases() {
      return delegate.reapExpiredLeases();
    }

    @Override
    public int prune(Duration retention) {
      return delegate.prune(retention);
    }

    @Override
    public String describe() {
      return "core-only:";
    }

    @Override
    public void close() {}

    @Override
    public boolean retry(String jobId) {
      throw new UnsupportedOperationException("core-only broker cannot retry jobs");
    }

    @Override
    public boolean delete(String jobId) {
      throw new UnsupportedOperationException("core-only broker cannot delete jobs");
    }

    @Override
    public void registerWorker(dev.semafor.broker.WorkerInfo info) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public void heartbeatWorker(String workerId, int inFlight) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public List<dev.semafor.broker.WorkerInfo> workers() {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public void unregisterWorker(String workerId) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public List<JobRecord> enqueueGroup(
        dev.semafor.broker.GroupRecord group, List<JobRecord> members) {
      throw new UnsupportedOperationException("core-only broker cannot store groups");
    }

    @Override
    public List<String> cancelRequested(String workerId) {
      return delegate.cancelRequested(workerId);
    }

    @Override
    public boolean claimTick(
        dev.semafor.broker.ScheduleRecord schedule, java.time.Instant tick, JobRecord job) {
      throw new UnsupportedOperationException("core-only broker cannot run schedules");
    }

    @Override
    public List<dev.semafor.broker.ScheduleRecord> schedules() {
      throw new UnsupportedOperationException("core-only broker cannot run schedules");
    }
  }
}
