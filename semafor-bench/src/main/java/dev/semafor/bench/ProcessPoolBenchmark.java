package dev.semafor.bench;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The execution models on CPU-bound work, as {@code semafor demo} runs it: the demo's 20 primality
 * checks (longest check first, as the demo enqueues them) through a running worker on the memory
 * broker, timed from the enqueue to the last outcome. The worker — and with {@code PROCESSES} its
 * two child JVMs, warmed with the demo's warm-up jobs — is started once per trial, as a long-lived
 * worker would be, so a round measures the pool and not its start-up. The ratio of {@code
 * SEQUENTIAL} to {@code PROCESSES} is the demo's speed-up (target ≥ 1.85×); {@code THREADS} × 2 in
 * one JVM is the control: what the two cores allow without any process boundary. {@link #noops}
 * measures each model's cost per job.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 15)
@Fork(1)
public class ProcessPoolBenchmark {
  private static final List<Long> NUMBERS =
      BuiltinTasks.longestCheckFirst(BuiltinTasks.DEMO_NUMBERS);
  private static final int NOOPS = 20_000;

  /** The demo's warm-ups: every way out of the check, so no measured job deoptimizes it. */
  private static final List<WarmUpJob> WARM_UPS =
      BuiltinTasks.PRIMES_WARM_UP_NUMBERS.stream()
          .map(n -> WarmUpJob.of(BuiltinTasks.PRIMES, new BuiltinTasks.PrimesInput(n)))
          .toList();

  @Param({"SEQUENTIAL", "THREADS", "PROCESSES"})
  public ExecutionModel model;

  private MemoryBroker broker;
  private Client client;
  private Worker worker;
  private final Semaphore finished = new Semaphore(0);

  @Setup(Level.Trial)
  public void start() throws InterruptedException {
    broker = new MemoryBroker();
    client = new Client(broker);
    WorkerConfig.Builder config =
        WorkerConfig.builder().model(model).concurrency(model == ExecutionModel.SEQUENTIAL ? 1 : 2);
    if (model == ExecutionModel.PROCESSES) {
      config.childWarmUps(WARM_UPS);
    }
    WorkerListener listener =
        new WorkerListener() {
          @Override
          public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
            finished.release();
          }
        };
    worker =
        new Worker(
                broker,
                TaskRegistry.withBuiltins(),
                config.build(),
                Json.defaults(),
                InstantSource.system(),
                listener)
            .start();
    for (WarmUpJob w : WARM_UPS) {
      client.enqueue(w.task(), new Client.RawJson(w.input()), JobOptions.defaults());
    }
    await(WARM_UPS.size()); // this JVM's side warmed by the same jobs
  }

  @TearDown(Level.Trial)
  public void stop() {
    worker.close();
  }

  @Benchmark
  public int demoPrimes() throws InterruptedException {
    List<Client.JobRequest> jobs = new ArrayList<>(NUMBERS.size());
    for (long n : NUMBERS) {
      jobs.add(new Client.JobRequest(BuiltinTasks.PRIMES, Map.of("n", n), JobOptions.defaults()));
    }
    client.enqueueAll(jobs);
    await(jobs.size());
    return jobs.size();
  }

  /**
   * {@value #NOOPS} no-op jobs: each model's cost per job beside the work (for {@code PROCESSES},
   * the round trip through a child's pipes), in milliseconds per round of {@value #NOOPS}.
   */
  @Benchmark
  public int noops() throws InterruptedException {
    List<Client.JobRequest> jobs = new ArrayList<>(NOOPS);
    for (int i = 0; i < NOOPS; i++) {
      jobs.add(new Client.JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults()));
    }
    client.enqueueAll(jobs);
    await(NOOPS);
    return NOOPS;
  }

  private void await(int jobs) throws InterruptedException {
    if (!finished.tryAcquire(jobs, 2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the worker did not finish " + jobs + " jobs in 2 minutes");
    }
  }
}
