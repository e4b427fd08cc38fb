package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Broker;
import dev.semafor.spi.ForwardingBroker;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.ScheduleRecord;
import dev.semafor.spi.WorkerInfo;
import java.time.Instant;
import java.util.List;
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
  private static final class CoreOnly extends ForwardingBroker {
    CoreOnly(Broker delegate) {
      super(delegate);
    }

    @Override
    public String describe() {
      return "core-only:";
    }

    @Override
    public void close() {}

    @Override
    public List<dev.semafor.spi.TaskCount> queuedTasks() {
      throw new UnsupportedOperationException("this broker does not count waiting jobs by task");
    }

    @Override
    public boolean retry(String jobId) {
      throw new UnsupportedOperationException("core-only broker cannot retry jobs");
    }

    @Override
    public boolean delete(String jobId) {
      throw new UnsupportedOperationException("core-only broker cannot delete jobs");
    }

    @Override
    public void registerWorker(WorkerInfo info) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public void heartbeatWorker(String workerId, int inFlight) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public List<WorkerInfo> workers() {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public void unregisterWorker(String workerId) {
      throw new UnsupportedOperationException("core-only broker has no worker registry");
    }

    @Override
    public List<JobRecord> enqueueGroup(GroupRecord group, List<JobRecord> members) {
      throw new UnsupportedOperationException("core-only broker cannot store groups");
    }

    @Override
    public boolean claimTick(ScheduleRecord schedule, Instant tick, JobRecord job) {
      throw new UnsupportedOperationException("core-only broker cannot run schedules");
    }

    @Override
    public List<ScheduleRecord> schedules() {
      throw new UnsupportedOperationException("core-only broker cannot run schedules");
    }
  }
}
