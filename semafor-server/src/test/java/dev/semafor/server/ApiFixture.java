package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobError;
import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * A server on an ephemeral loopback port over a fresh memory broker, and helpers that move jobs
 * through the broker SPI the way a worker would.
 */
abstract class ApiFixture {
  protected MemoryBroker broker;
  protected DashboardServer server;
  protected Http http;

  protected DashboardServer.Builder builder() {
    return DashboardServer.builder(broker)
        .port(0)
        .registry(TaskRegistry.withBuiltins())
        .environment(name -> null)
        .sampleInterval(Duration.ofHours(1));
  }

  protected void start(DashboardServer.Builder b) {
    server = b.build().start();
    http = Http.to(server);
  }

  protected void startDefault() {
    broker = new MemoryBroker();
    start(builder());
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** Enqueues through the API and returns the job's id. */
  protected String enqueue(String json) {
    Http.Response r = http.postJson("/api/v1/jobs", json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  protected Lease leaseOne(String queue) {
    List<Lease> leases =
        broker.lease(new LeaseRequest(List.of(queue), 1, "test-worker", Duration.ofMinutes(1)));
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  /** Leases the next job of {@code queue} and completes it with {@code result}. */
  protected String succeedNext(String queue, String result) {
    Lease lease = leaseOne(queue);
    broker.complete(new Completion(lease.ref(), result));
    return lease.job().id();
  }

  /** Leases the next job of {@code queue} and fails it for good. */
  protected String killNext(String queue, JobError error) {
    Lease lease = leaseOne(queue);
    broker.fail(Failure.dead(lease.ref(), error));
    return lease.job().id();
  }

  static void assertProblem(Http.Response r, int status, String type) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("type").asText()).isEqualTo("urn:semafor:problem:" + type);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("title").asText()).isNotBlank();
    assertThat(p.get("detail").asText()).isNotBlank();
  }
}
