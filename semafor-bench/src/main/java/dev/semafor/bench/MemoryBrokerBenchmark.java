package dev.semafor.bench;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The broker half of the hot path: one job's whole life in the memory broker — enqueue, lease,
 * complete — measured per job, in batches of {@code batch} as the worker does it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MemoryBrokerBenchmark {
  private static final int BATCH = 256;
  private static final LeaseRequest REQUEST =
      new LeaseRequest(List.of("default"), BATCH, "bench", Duration.ofSeconds(30));

  @Param({"0", "100000"})
  public int backlog;

  private MemoryBroker broker;

  @Setup(Level.Iteration)
  public void setUp() {
    broker = new MemoryBroker();
    for (int i = 0; i < backlog; i += BATCH) {
      broker.enqueue(BenchJobs.noops(BATCH, Instant.now()));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int enqueueLeaseComplete() {
    broker.enqueue(BenchJobs.noops(BATCH, Instant.now()));
    List<Lease> leases = broker.lease(REQUEST);
    List<Completion> done = new ArrayList<>(leases.size());
    for (Lease l : leases) {
      done.add(new Completion(l.ref(), "null"));
    }
    return broker.complete(done).size();
  }
}
