package dev.semafor.process;

import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.WarmUpJob;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmarks of the process pool (not a test; run by hand, see docs/processes.md):
 *
 * <ul>
 *   <li>{@code primes}: the 20 primality checks of {@code semafor demo}, in this JVM one after
 *       another vs. in a pool of two children;
 *   <li>{@code noop}: {@code semafor.noop} round trips through a pool of two children — throughput
 *       with a full inbox, and the latency of one job at a time.
 * </ul>
 *
 * and the same two end to end, through a burst-mode {@link Worker} on the memory broker ({@code
 * worker-primes}: {@code --model sequential} vs {@code --model processes --concurrency 2}, the
 * children warmed with the demo's warm-up job; {@code worker-noop}). The primes go longest check
 * first, as the demo enqueues them. Each figure is measured three times; the median is reported.
 * Arguments: {@code primes}, {@code noop}, {@code worker-primes}, {@code worker-noop} or {@code
 * all} (the default), then optional JVM options for the children.
 */
public final class ProcessPoolBench {
  /**
   * The demo's numbers in the order {@code semafor demo} enqueues them: longest check first
   * (longest processing time first), so that two members taking jobs in order finish close
   * together.
   */
  static final long[] DEMO_NUMBERS =
      dev.semafor.task.BuiltinTasks.longestCheckFirst(dev.semafor.task.BuiltinTasks.DEMO_NUMBERS)
          .stream()
          .mapToLong(Long::longValue)
          .toArray();

  /** The demo's warm-up: the children of {@code worker-primes} run it before they are ready. */
  static final WarmUpJob PRIMES_WARM_UP = WarmUpJob.parse("semafor.primes={\"n\":2}");

  private static final int RUNS = 3;
  private static final int NOOP_JOBS = 200_000;
  private static final int LATENCY_JOBS = 20_000;

  private final List<String> jvmOptions;

  private ProcessPoolBench(List<String> jvmOptions) {
    this.jvmOptions = jvmOptions;
  }

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    List<String> options =
        args.length > 1
            ? List.of(Arrays.copyOfRange(args, 1, args.length))
            : ProcessPool.DEFAULT_JVM_OPTIONS;
    ProcessPoolBench bench = new ProcessPoolBench(options);
    System.out.printf(
        "java %s, %d cpus, child options %s%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), options);
    switch (what) {
      case "primes" -> bench.primes();
      case "noop" -> bench.noop();
      case "worker-primes" -> bench.workerPrimes();
      case "worker-noop" -> bench.workerNoop();
      case "all" -> {
        bench.primes();
        bench.noop();
        bench.workerPrimes();
        bench.workerNoop();
      }
      default ->
          throw new IllegalArgumentException(
              "expected primes, noop, worker-primes, worker-noop or all: " + what);
    }
    System.exit(0);
  }

  /**
   * The demo's 20 jobs on a pool of two children started once, like a worker's that has been
   * running: the first round (children cold) is reported apart, then {@link #RUNS} measured rounds.
   */
  private void primes() throws Exception {
    double[] sequential = new double[RUNS];
    double[] threads = new double[RUNS];
    double[] processes = new double[RUNS];
    double coldSequential = sequentialPrimes();
    long start = System.nanoTime();
    try (ProcessPool pool = pool(2)) {
      Sink sink = new Sink();
      BlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
      pool.start(inbox, sink);
      double started = seconds(System.nanoTime() - start);
      double cold = poolPrimes(inbox, sink);
      threadPrimes(); // warm-up
      System.out.printf(
          "primes cold: sequential %.3f s, processes x2 %.3f s (+ %.3f s pool start)%n",
          coldSequential, cold, started);
      for (int run = 0; run < RUNS; run++) {
        sequential[run] = sequentialPrimes();
        threads[run] = threadPrimes();
        processes[run] = poolPrimes(inbox, sink);
        System.out.printf(
            "primes run %d: sequential %.3f s, threads x2 %.3f s, processes x2 %.3f s%n",
            run + 1, sequential[run], threads[run], processes[run]);
      }
    }
    double seq = median(sequential);
    double proc = median(processes);
    double thr = median(threads);
    System.out.printf(
        "primes median: sequential %.3f s, processes x2 %.3f s => speed-up %.2fx"
            + " (control, threads x2 in one JVM: %.3f s => %.2fx)%n",
        seq, proc, seq / proc, thr, seq / thr);
  }

  /**
   * The control: the same jobs on two threads of this JVM, taking from one queue in order — what
   * this machine's two cores allow right now, without any process overhead.
   */
  private static double threadPrimes() throws Exception {
    JobExecutor executor = new JobExecutor(TaskRegistry.withBuiltins(), Json.defaults());
    BlockingQueue<Assignment> queue = new LinkedBlockingQueue<>();
    for (long n : DEMO_NUMBERS) {
      queue.add(assignment(BuiltinTasks.PRIMES, "{\"n\":" + n + "}"));
    }
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    Assignment a;
                    while ((a = queue.poll()) != null) {
                      executor.execute(a.task(), a.lease().job().input(), a.context());
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return seconds(System.nanoTime() - t0);
  }

  private static double poolPrimes(BlockingQueue<Assignment> inbox, Sink sink)
      throws InterruptedException {
    long t0 = System.nanoTime();
    CountDownLatch done = sink.expect(DEMO_NUMBERS.length);
    for (long n : DEMO_NUMBERS) {
      inbox.add(assignment(BuiltinTasks.PRIMES, "{\"n\":" + n + "}"));
    }
    done.await();
    double s = seconds(System.nanoTime() - t0);
    sink.check(DEMO_NUMBERS.length);
    return s;
  }

  /** The demo's 20 jobs through a burst-mode Worker on the memory broker, per model. */
  private void workerPrimes() throws Exception {
    double[] sequential = new double[RUNS];
    double[] processes = new double[RUNS];
    double[] withStart = new double[RUNS];
    PRIMES_WARM_UP.run(new JobExecutor(TaskRegistry.withBuiltins(), Json.defaults()), 1);
    for (int run = 0; run < RUNS; run++) {
      sequential[run] = drain("model=sequential", primesBroker())[0];
      double[] p = drain("model=processes,concurrency=2", primesBroker(), List.of(PRIMES_WARM_UP));
      processes[run] = p[0];
      withStart[run] = p[1];
      System.out.printf(
          "worker primes run %d: --model sequential %.3f s, --model processes --concurrency 2"
              + " %.3f s (%.3f s with pool start)%n",
          run + 1, sequential[run], processes[run], withStart[run]);
    }
    double seq = median(sequential);
    double proc = median(processes);
    System.out.printf(
        "worker primes median: sequential %.3f s, processes x2 %.3f s => speed-up %.2fx"
            + " (%.2fx counting the pool start)%n",
        seq, proc, seq / proc, seq / median(withStart));
  }

  /** {@code semafor.noop} jobs through a burst-mode Worker with two children. */
  private void workerNoop() throws Exception {
    double[] rate = new double[RUNS];
    drain("model=processes,concurrency=2", noopBroker(50_000)); // warm-up of this JVM
    for (int run = 0; run < RUNS; run++) {
      double s = drain("model=processes,concurrency=2", noopBroker(NOOP_JOBS))[0];
      rate[run] = NOOP_JOBS / s;
      System.out.printf(
          "worker noop run %d: %d jobs in %.3f s = %.0f jobs/s, %.1f us/job%n",
          run + 1, NOOP_JOBS, s, rate[run], s * 1e6 / NOOP_JOBS);
    }
    double r = median(rate);
    System.out.printf(
        "worker noop median: %.0f jobs/s, %.1f us/job (memory broker, 2 children)%n", r, 1e6 / r);
  }

  /**
   * Runs a burst-mode worker until the broker is drained; returns {seconds from start() returning
   * to the last outcome, seconds from calling start() to the last outcome}. The worker's own stop
   * afterwards is not counted.
   */
  private double[] drain(String config, MemoryBroker broker) throws Exception {
    return drain(config, broker, List.of());
  }

  private double[] drain(String config, MemoryBroker broker, List<WarmUpJob> warmUps)
      throws Exception {
    long jobs = broker.stats().stream().mapToLong(q -> q.count(JobState.QUEUED)).sum();
    WorkerConfig parsed = WorkerConfig.parse(config);
    AtomicLong lastFinish = new AtomicLong();
    WorkerListener listener =
        new WorkerListener() {
          @Override
          public void onFinished(Assignment assignment, Outcome outcome, long runNanos) {
            lastFinish.set(System.nanoTime());
          }
        };
    Worker worker =
        new Worker(
            broker,
            TaskRegistry.discover(),
            WorkerConfig.builder()
                .model(parsed.model())
                .concurrency(parsed.concurrency())
                .childJvmOptions(jvmOptions)
                .childWarmUps(warmUps)
                .burst(true)
                .build(),
            Json.defaults(),
            InstantSource.system(),
            listener);
    long t0 = System.nanoTime();
    worker.start();
    long t1 = System.nanoTime();
    if (!worker.awaitTermination(Duration.ofMinutes(10))) {
      throw new IllegalStateException("the worker did not drain the broker");
    }
    if (worker.stats().succeeded() != jobs) {
      throw new IllegalStateException(worker.stats() + " but " + jobs + " jobs were queued");
    }
    return new double[] {seconds(lastFinish.get() - t1), seconds(lastFinish.get() - t0)};
  }

  private static MemoryBroker primesBroker() {
    MemoryBroker broker = new MemoryBroker();
    Client client = new Client(broker);
    for (long n : DEMO_NUMBERS) {
      client.enqueue(BuiltinTasks.PRIMES, Map.of("n", n));
    }
    return broker;
  }

  private static MemoryBroker noopBroker(int jobs) {
    MemoryBroker broker = new MemoryBroker();
    Client client = new Client(broker);
    List<Client.JobRequest> batch = new ArrayList<>(1000);
    for (int i = 0; i < jobs; i++) {
      batch.add(new Client.JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults()));
      if (batch.size() == 1000) {
        client.enqueueAll(batch);
        batch.clear();
      }
    }
    return broker;
  }

  private static double sequentialPrimes() {
    JobExecutor executor = new JobExecutor(TaskRegistry.withBuiltins(), Json.defaults());
    long t0 = System.nanoTime();
    for (long n : DEMO_NUMBERS) {
      Assignment a = assignment(BuiltinTasks.PRIMES, "{\"n\":" + n + "}");
      Outcome outcome = executor.execute(a.task(), a.lease().job().input(), a.context());
      if (!(outcome instanceof Outcome.Succeeded)) {
        throw new IllegalStateException("primes failed: " + outcome);
      }
    }
    return seconds(System.nanoTime() - t0);
  }

  private void noop() throws Exception {
    double[] perJob = new double[RUNS];
    double[] rate = new double[RUNS];
    double[] latency = new double[RUNS];
    try (ProcessPool pool = pool(2)) {
      Sink sink = new Sink();
      BlockingQueue<Assignment> inbox = new LinkedBlockingQueue<>();
      pool.start(inbox, sink);
      throughput(inbox, sink, 50_000); // warm-up: JIT in parent and children
      for (int run = 0; run < RUNS; run++) {
        double s = throughput(inbox, sink, NOOP_JOBS);
        perJob[run] = s * 1e6 / NOOP_JOBS;
        rate[run] = NOOP_JOBS / s;
        System.out.printf(
            "noop run %d: %d jobs through 2 children in %.3f s = %.0f jobs/s, %.1f us/job%n",
            run + 1, NOOP_JOBS, s, rate[run], perJob[run]);
      }
    }
    try (ProcessPool pool = pool(1)) {
      Sink sink = new Sink();
      BlockingQueue<Assignment> inbox = new SynchronousQueue<>();
      pool.start(inbox, sink);
      roundTrips(inbox, sink, 5_000);
      for (int run = 0; run < RUNS; run++) {
        latency[run] = roundTrips(inbox, sink, LATENCY_JOBS);
        System.out.printf(
            "noop latency run %d: median round trip %.1f us (one job in flight)%n",
            run + 1, latency[run]);
      }
    }
    System.out.printf(
        "noop median: %.0f jobs/s, %.1f us/job with 2 children; one-at-a-time round trip %.1f us%n",
        median(rate), median(perJob), median(latency));
  }

  private static double throughput(BlockingQueue<Assignment> inbox, Sink sink, int jobs)
      throws InterruptedException {
    List<Assignment> batch = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      batch.add(assignment(BuiltinTasks.NOOP, "null"));
    }
    CountDownLatch done = sink.expect(jobs);
    long t0 = System.nanoTime();
    inbox.addAll(batch);
    done.await();
    double s = seconds(System.nanoTime() - t0);
    sink.check(jobs);
    return s;
  }

  /** Median microseconds from handing one job over to its outcome, one job at a time. */
  private static double roundTrips(BlockingQueue<Assignment> inbox, Sink sink, int jobs)
      throws InterruptedException {
    double[] micros = new double[jobs];
    for (int i = 0; i < jobs; i++) {
      Assignment a = assignment(BuiltinTasks.NOOP, "null");
      CountDownLatch done = sink.expect(1);
      long t0 = System.nanoTime();
      inbox.put(a);
      done.await();
      micros[i] = (System.nanoTime() - t0) / 1e3;
      sink.check(1);
    }
    return median(micros);
  }

  private ProcessPool pool(int size) {
    return ProcessPool.builder().size(size).jvmOptions(jvmOptions).build();
  }

  private static Assignment assignment(String task, String input) {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task(task)
            .input(input)
            .attempts(1)
            .runAt(now)
            .enqueuedAt(now)
            .build();
    return new Assignment(
        new Lease(job, "t", now.plus(Duration.ofMinutes(10))), (a, f, m) -> {}, 0);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Counts outcomes; any that is not a success is remembered and fails the run. */
  private static final class Sink implements dev.semafor.worker.OutcomeSink {
    private volatile CountDownLatch latch = new CountDownLatch(0);
    private final AtomicInteger succeeded = new AtomicInteger();
    private volatile Outcome bad;

    CountDownLatch expect(int jobs) {
      succeeded.set(0);
      latch = new CountDownLatch(jobs);
      return latch;
    }

    @Override
    public void accept(Assignment assignment, Outcome outcome) {
      if (outcome instanceof Outcome.Succeeded) {
        succeeded.incrementAndGet();
      } else {
        bad = outcome;
      }
      latch.countDown();
    }

    void check(int jobs) {
      if (bad != null || succeeded.get() != jobs) {
        throw new IllegalStateException(
            String.format(Locale.ROOT, "%d of %d succeeded; bad: %s", succeeded.get(), jobs, bad));
      }
    }
  }
}
