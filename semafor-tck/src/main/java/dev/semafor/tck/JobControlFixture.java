package dev.semafor.tck;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every job-control case starts from: a new broker on a {@link SettableClock} at {@link
 * #START}, closed after the case, and short ways to make, enqueue, lease and complete jobs.
 */
public abstract class JobControlFixture {
  protected static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  protected static final Duration LEASE = Duration.ofSeconds(30);
  protected static final String QUEUE = "default";

  protected SettableClock clock;
  protected Broker broker;

  /** Opens a new, empty broker that reads time only from {@code clock}. */
  protected abstract Broker newBroker(InstantSource clock);

  @BeforeEach
  void openBroker() {
    clock = new SettableClock(START);
    broker = newBroker(clock);
  }

  @AfterEach
  void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A queued job of {@code task} on the default queue, due now, with a fresh id. */
  protected JobRecord.Builder job(String task) {
    return TestJobs.record(task, clock.instant()).queue(QUEUE);
  }

  protected JobRecord enqueue(JobRecord job) {
    return broker.enqueue(List.of(job)).get(0);
  }

  protected List<Lease> lease(int max) {
    return lease("worker-1", max);
  }

  protected List<Lease> lease(String workerId, int max) {
    return broker.lease(new LeaseRequest(List.of(QUEUE), max, workerId, LEASE));
  }

  protected void succeed(Lease lease, String result) {
    broker.complete(new Completion(lease.ref(), result));
  }

  protected JobRecord get(String id) {
    return broker.get(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  protected List<String> ids(List<Lease> leases) {
    return leases.stream().map(l -> l.job().id()).toList();
  }
}
