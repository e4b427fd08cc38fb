package dev.semafor.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.Json;
import dev.semafor.SemaforException;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.Outcome;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import dev.semafor.worker.WorkerListener;
import dev.semafor.worker.WorkerStats;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The primes experiment, through Semafor's real path: a {@link Worker} on a {@link MemoryBroker}
 * runs one job per number on the pool of the chosen execution model — members fed from the worker's
 * local queue, stopped by poison pills when the worker closes.
 *
 * <h2>What is timed</h2>
 *
 * The worker is started and given warm-up jobs until every member has run one (this starts the
 * pool, and a process pool's JVMs, and compiles the loop), as the notes' workers amortize their
 * start-up by standing by for inputs. The clock then runs from enqueueing the numbers until the
 * last result is back; each number's time is the time its member spent on it. Closing the worker is
 * timed apart.
 */
final class PrimesLab {
  /** The 20 numbers of {@code semafor demo} (and of the notes' {@code procs.py}). */
  static final List<Long> DEMO_NUMBERS = dev.semafor.task.BuiltinTasks.DEMO_NUMBERS;

  /** A prime that takes a member about a tenth of a second: the warm-up job. */
  static final long WARM_UP_N = 3333333333333301L;

  private static final int WARM_UP_ROUNDS = 10;
  private static final String QUEUE = "lab-primes";
  private static final Duration POLL = Duration.ofMillis(2);
  private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(10);

  /**
   * Long on purpose: jobs are done when the worker closes, so its pool stops by poison pills long
   * before; were a member still running after the grace, the worker would interrupt it instead.
   */
  private static final Duration GRACE = Duration.ofMinutes(2);

  private static final Json JSON = Json.defaults();

  private PrimesLab() {}

  /** One configuration: execution model, members, and whether they share a simulated GIL. */
  record Config(ExecutionModel model, int workers, boolean gil) {
    Config {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1: " + workers);
      }
      if (model == ExecutionModel.SEQUENTIAL) {
        workers = 1;
      }
    }

    String task() {
      return gil ? LabTasks.PRIMES_GIL : BuiltinTasks.PRIMES;
    }

    String label() {
      return model.label() + (gil ? " + GIL" : "");
    }
  }

  /** One number's result: which member checked it and how long that took. */
  record Check(long n, boolean prime, double seconds, String ranOn) {}

  /** A whole run. */
  record Run(
      String model,
      boolean gil,
      int workers,
      int numbers,
      double startupSeconds,
      double totalSeconds,
      double stopSeconds,
      long gilHandoffs,
      List<Check> checks) {}

  /** The registry a lab worker runs: the built-ins plus the lab's tasks (one GIL per call). */
  static TaskRegistry registry() {
    TaskRegistry registry = TaskRegistry.withBuiltins();
    new LabTasks().registerInto(registry);
    return registry;
  }

  /**
   * Checks {@code numbers} on the configured pool, calling {@code onCheck} as each result arrives
   * (on the calling thread).
   *
   * @throws SemaforException if a job fails or the worker does not account for every job
   */
  static Run run(Config config, List<Long> numbers, Consumer<Check> onCheck)
      throws InterruptedException {
    Results results = new Results();
    TaskRegistry registry = registry();
    try (MemoryBroker broker = new MemoryBroker()) {
      Worker worker =
          new Worker(
              broker,
              registry,
              workerConfig(config),
              Json.defaults(),
              InstantSource.system(),
              results);
      Client client = new Client(broker, registry);
      List<Check> checks = new ArrayList<>();
      long startup;
      long total;
      int warmUps;
      long handoffs = 0;
      try {
        long s0 = System.nanoTime();
        worker.start();
        warmUps = warmUp(client, config, results);
        startup = System.nanoTime() - s0;
        long t0 = System.nanoTime();
        enqueue(client, config, numbers);
        for (int i = 0; i < numbers.size(); i++) {
          Finished f = results.next();
          checks.add(f.check());
          handoffs += f.handoffs();
          onCheck.accept(f.check());
        }
        total = System.nanoTime() - t0;
      } catch (RuntimeException | InterruptedException e) {
        worker.close();
        throw e;
      }
      long c0 = System.nanoTime();
      worker.close(); // stops the pool with poison pills
      long stop = System.nanoTime() - c0;
      checkAccounted(worker.stats(), numbers.size() + warmUps);
      return new Run(
          config.model().label(),
          config.gil(),
          config.workers(),
          numbers.size(),
          startup / 1e9,
          total / 1e9,
          stop / 1e9,
          handoffs,
          List.copyOf(checks));
    }
  }

  /**
   * Runs warm-up jobs, in rounds of one job per member, until every member has run one (at most
   * {@value #WARM_UP_ROUNDS} rounds), so that no member starts or compiles its loop on the clock.
   * Returns how many jobs it ran.
   */
  private static int warmUp(Client client, Config config, Results results)
      throws InterruptedException {
    Set<String> warmed = new HashSet<>();
    int jobs = 0;
    for (int round = 0; round < WARM_UP_ROUNDS && warmed.size() < config.workers(); round++) {
      enqueue(client, config, Collections.nCopies(config.workers(), WARM_UP_N));
      for (int i = 0; i < config.workers(); i++) {
        warmed.add(results.next().check().ranOn());
        jobs++;
      }
    }
    return jobs;
  }

  static WorkerConfig workerConfig(Config config) {
    return WorkerConfig.builder()
        .queues(List.of(QUEUE))
        .model(config.model())
        .concurrency(config.workers())
        .pollInterval(POLL)
        .shutdownGrace(GRACE)
        // its child JVMs discover the lab's tasks, which stay out of every other task list
        .childJvmOptions(ChildJvmOptions.of(null, List.of(LabTasks.CHILD_OPTION)))
        .build();
  }

  private static void enqueue(Client client, Config config, List<Long> numbers) {
    JobOptions options = JobOptions.defaults().queue(QUEUE).maxAttempts(1);
    List<Client.JobRequest> requests = new ArrayList<>(numbers.size());
    for (long n : numbers) {
      requests.add(new Client.JobRequest(config.task(), Map.of("n", n), options));
    }
    client.enqueueAll(requests);
  }

  private static void checkAccounted(WorkerStats stats, long expected) {
    if (stats.succeeded() != expected || stats.inFlight() != 0) {
      throw new SemaforException(
          "the worker accounted for " + stats.succeeded() + " of " + expected + " jobs: " + stats);
    }
  }

  /** One attempt as the worker reported it, on the thread of the pool member that ran it. */
  private record Finished(Check check, long handoffs) {}

  /** Collects what the worker reports; hands it to the lab's thread in completion order. */
  private static final class Results implements WorkerListener {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    @Override
    public void onFinished(Assignment a, Outcome outcome, long runNanos) {
      String worker = Thread.currentThread().getName();
      try {
        long n = JSON.tree(a.lease().job().input()).path("n").asLong();
        queue.add(
            switch (outcome) {
              case Outcome.Succeeded s -> {
                JsonNode result = JSON.tree(s.resultJson());
                yield new Finished(
                    new Check(n, result.path("prime").asBoolean(), runNanos / 1e9, worker),
                    result.path("handoffs").asLong(0));
              }
              case Outcome.Failed f ->
                  new SemaforException("checking " + n + " on " + worker + " failed: " + f.error());
              case Outcome.Cancelled c ->
                  new SemaforException("checking " + n + " was cancelled: " + c.reason());
            });
      } catch (RuntimeException e) {
        queue.add(e);
      }
    }

    Finished next() throws InterruptedException {
      Object o = queue.poll(RESULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (o == null) {
        throw new SemaforException("no result from the worker within " + RESULT_TIMEOUT);
      }
      if (o instanceof RuntimeException e) {
        throw e;
      }
      return (Finished) o;
    }
  }
}
