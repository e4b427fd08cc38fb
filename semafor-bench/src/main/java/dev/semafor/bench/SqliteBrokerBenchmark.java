package dev.semafor.bench;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite broker alone, no worker, one thread: a batch of {@value #BATCH} no-op jobs enqueued,
 * leased and completed — the statements and commits a worker's round costs — per job, on a file
 * that holds {@code finished} jobs that ran already (the table a long-lived deployment keeps until
 * its retention prunes it; the lease must stay flat as it grows). The file lives in a temporary
 * folder, made for the trial and deleted after.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SqliteBrokerBenchmark {
  private static final int BATCH = 128;
  private static final int SEED_BATCH = 1_000;
  private static final LeaseRequest REQUEST = request(BATCH);
  private static final LeaseRequest SEED_REQUEST = request(SEED_BATCH);

  @Param({"0", "1000000"})
  public int finished;

  private Path dir;
  private Broker broker;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("semafor-jmh-sqlite");
    broker = Brokers.open("sqlite:" + dir.resolve("bench.db"));
    for (int i = 0; i < finished; i += SEED_BATCH) {
      broker.enqueue(BenchJobs.noops(Math.min(SEED_BATCH, finished - i), Instant.now()));
      while (leaseAndComplete(SEED_REQUEST) > 0) {
        // drain what was just enqueued, so the seed is finished jobs only
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    broker.close();
    BenchFiles.deleteTree(dir);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int enqueueLeaseComplete() {
    broker.enqueue(BenchJobs.noops(BATCH, Instant.now()));
    return leaseAndComplete(REQUEST);
  }

  private static LeaseRequest request(int max) {
    return new LeaseRequest(List.of("default"), max, "bench", Duration.ofMinutes(5));
  }

  private int leaseAndComplete(LeaseRequest request) {
    List<Lease> leases = broker.lease(request);
    if (leases.isEmpty()) {
      return 0;
    }
    List<Completion> done = new ArrayList<>(leases.size());
    for (Lease l : leases) {
      done.add(new Completion(l.ref(), "null"));
    }
    return broker.complete(done).size();
  }
}
