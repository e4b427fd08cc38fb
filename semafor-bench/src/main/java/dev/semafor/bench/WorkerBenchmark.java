package dev.semafor.bench;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
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
 * The whole hot path: a worker draining {@code semafor.noop} jobs from the memory broker — fetcher,
 * local queue, pool members, completer. Each invocation enqueues {@link #JOBS} jobs (untimed setup)
 * and times a burst-mode worker draining them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(1)
public class WorkerBenchmark {
  static final int JOBS = 200_000;

  @Param({"THREADS"})
  public ExecutionModel model;

  @Param({"2"})
  public int concurrency;

  private MemoryBroker broker;

  @Setup(Level.Invocation)
  public void fill() {
    broker = new MemoryBroker();
    Client client = new Client(broker);
    List<Client.JobRequest> batch = new ArrayList<>(1000);
    for (int i = 0; i < JOBS; i++) {
      batch.add(new Client.JobRequest("semafor.noop", null, JobOptions.defaults()));
      if (batch.size() == 1000) {
        client.enqueueAll(batch);
        batch.clear();
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public long drain() throws InterruptedException {
    WorkerConfig config =
        WorkerConfig.builder().model(model).concurrency(concurrency).burst(true).build();
    Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), config).start();
    if (!worker.awaitTermination(Duration.ofMinutes(2))) {
      throw new IllegalStateException("worker did not drain in time");
    }
    return worker.stats().succeeded();
  }
}
