package dev.semafor.cli;

import dev.semafor.JobOptions;
import dev.semafor.Names;
import dev.semafor.ProgressBar;
import dev.semafor.TaskDefinition;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.Client.RawJson;
import dev.semafor.client.JobHandle;
import dev.semafor.server.InputCheck;
import dev.semafor.spi.Broker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor enqueue TASK [INPUT_JSON]}: puts jobs on a queue. Everything is checked first (the
 * task is known, the JSON parses and binds to the task's input, the broker opens); only then is
 * anything written. Prints the job's id alone on the last line, or with {@code --count} a one-line
 * summary. {@code --count} copies (at most {@link #MAX_COUNT}) are stored in one broker call: all
 * or none.
 */
@Command(
    name = "enqueue",
    sortOptions = false,
    description = "Put a job (or --count copies of it) on a queue; prints the job's id.")
final class EnqueueCommand implements Callable<Integer> {
  /**
   * The most jobs one {@code --count} may enqueue. They are stored in one broker call (one
   * transaction), so a producer killed half-way leaves all of them or none; more would hold too
   * much in memory and in one transaction. For more, run {@code enqueue} several times.
   */
  static final int MAX_COUNT = 100_000;

  /** From this many jobs on, a terminal shows a progress line while they are written. */
  static final int PROGRESS_FROM = 10_000;

  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;
  @Mixin private TaskClasspath classpath;
  @Mixin private JobControlOptions control;

  @Parameters(index = "0", paramLabel = "TASK", description = "Task name, e.g. semafor.primes.")
  private String task;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "INPUT_JSON",
      description = "The job's input as JSON, e.g. '{\"n\": 97}' (default: null).")
  private String input;

  @Option(names = "--queue", paramLabel = "Q", description = "Queue (default: default).")
  private String queue = JobOptions.DEFAULT_QUEUE;

  @Option(names = "--priority", paramLabel = "P", description = "Higher runs first (default: 0).")
  private int priority;

  @Option(
      names = "--delay",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Run no sooner than this from now: 250ms, 5s, 2m, 1h, 1d.")
  private Duration delay;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description = "Attempts before the job is dead (default: 3).")
  private int maxAttempts = JobOptions.DEFAULT_MAX_ATTEMPTS;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Enqueue N copies, at most 100,000, all or none (default: 1).")
  private int count = 1;

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"id\", \"task\", \"queue\", \"existing\"}; with --count"
              + " {\"count\", \"task\", \"queue\", \"first_id\", \"last_id\"}.")
  private boolean json;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "--count must be between 1 and "
              + Output.count(MAX_COUNT)
              + " (they are stored in one transaction; run enqueue again for more): "
              + count);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("--max-attempts must be at least 1: " + maxAttempts);
    }
    JobOptions options = control.apply(task, options());
    try (TaskClasspath.Tasks tasks = classpath.load(cli)) {
      TaskDefinition<?, ?> definition = tasks.registry().require(task);
      String payload = InputCheck.check(definition, input, "INPUT_JSON");
      options = options.withDefaults(task, definition.options());
      try (Broker b = broker.open(cli)) {
        Client client = new Client(b); // task and payload were checked above, once for all copies
        JobOptions checked = options;
        List<JobHandle> all =
            ProgressBar.whileRunning(
                cli.err(),
                count >= PROGRESS_FROM && cli.errIsTerminal(),
                count,
                () -> enqueue(client, payload, checked, count));
        JobHandle last = all.get(all.size() - 1);
        if (count == 1) {
          if (last.existing()) {
            cli.err()
                .println(
                    "job "
                        + last.id()
                        + " with unique key '"
                        + options.uniqueKey()
                        + "' is still waiting or running; no new job was added");
          }
          cli.out()
              .println(
                  json
                      ? Output.json(
                          Output.object()
                              .put("id", last.id())
                              .put("task", task)
                              .put("queue", queue)
                              .put("existing", last.existing()))
                      : last.id());
        } else if (json) {
          cli.out()
              .println(
                  Output.json(
                      Output.object()
                          .put("count", count)
                          .put("task", task)
                          .put("queue", queue)
                          .put("first_id", all.get(0).id())
                          .put("last_id", last.id())));
        } else {
          cli.out()
              .printf(
                  "enqueued %s %s jobs on queue '%s' (ids %s to %s)%n",
                  Output.count(count), task, queue, all.get(0).id(), last.id());
        }
      }
    }
    return 0;
  }

  private JobOptions options() {
    JobOptions options = JobOptions.defaults().queue(Flags.check("--queue", queue, Names::queue));
    options = options.priority(priority);
    options = options.maxAttempts(maxAttempts);
    return delay == null ? options : options.delay(delay);
  }

  /** Enqueues {@code n} copies in one broker call: all are stored or none. */
  private List<JobHandle> enqueue(Client client, String payload, JobOptions options, int n) {
    JobRequest request = new JobRequest(task, new RawJson(payload), options);
    return client.enqueueAll(new ArrayList<>(Collections.nCopies(n, request)));
  }
}
