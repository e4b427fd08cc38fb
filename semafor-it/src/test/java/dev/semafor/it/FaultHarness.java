package dev.semafor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobState;
import dev.semafor.it.Fleet.Member;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.ExecutionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the fault tests ({@link FaultsContract}) share: the hosts (made once per class, torn down
 * after it, also when a test fails), worker fleets per test, the execution log and the figures they
 * print.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FaultHarness {
  /** The lease the workers take: short, so that a cut or a dead worker shows within seconds. */
  static final String LEASE = "3s";

  static final Duration LEASE_DURATION = Duration.ofSeconds(3);

  /**
   * Attempts of the jobs that must succeed: on a loaded machine a live worker can miss a heartbeat
   * and lose a lease too (at least once, not exactly once), so they get room for that.
   */
  static final int ATTEMPTS = 10;

  /** The figures of every run, appended here (one line each) as well as printed. */
  static final Path FIGURES = Path.of("target", "fault-figures.txt");

  Hosts hosts;

  /** The backend's server on a host. */
  abstract BrokerServer server(NetHosts net, String host, Path folder, String keyspace)
      throws IOException;

  @BeforeAll
  void makeHosts() throws IOException {
    Requirements.namespaces();
    Requirements.need(missingServer());
    hosts = Hosts.create(this::server);
  }

  /** Why the backend's server cannot be run here, or null if it can. */
  abstract String missingServer() throws IOException;

  @AfterAll
  void tearDown() {
    if (hosts != null) {
      hosts.close();
    }
  }

  /** A fleet on the hosts' broker (directly, or through {@code brokerUrl}) for one test. */
  Fleet fleet(String test, String queue, String brokerUrl, String... jvmOptions)
      throws IOException {
    List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx256m"));
    options.addAll(List.of(jvmOptions));
    return new Fleet(hosts.net, hosts.testFolder(test), brokerUrl, queue, options);
  }

  /** A queue name of the test's own. */
  static String queue(String test) {
    return test + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
  }

  /**
   * Starts a worker on each of {@code w1}..{@code w3} ({@code HOST-QUEUE}, the given concurrency,
   * the short lease) and waits until they have registered.
   */
  void startWorkers(Fleet fleet, String queue, int concurrency) throws IOException {
    for (String host : Hosts.WORKERS) {
      fleet.start(
          host,
          host + "-" + queue,
          "--concurrency",
          Integer.toString(concurrency),
          "--lease",
          LEASE);
    }
    awaitRegistered(fleet);
  }

  /** Waits for the fleet's workers to register with the broker. */
  void awaitRegistered(Fleet fleet) {
    List<String> ids = fleet.members().stream().map(Member::id).toList();
    patiently(Duration.ofSeconds(120))
        .alias("workers " + ids + " registered")
        .until(() -> hosts.registered(ids));
  }

  /** Awaitility on this slow, shared machine: polls a few times a second, ignores outages. */
  static ConditionFactory patiently(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
  }

  /** Executions per job id in the fleet's execution log, as {@code pid -> count}. */
  static Map<String, List<Execution>> executions(Fleet fleet) throws IOException {
    Map<String, List<Execution>> all = new HashMap<>();
    Path log = fleet.executionLog();
    if (!Files.exists(log)) {
      return all;
    }
    for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
      String[] parts = line.split(" ");
      if (parts.length == 3) {
        all.computeIfAbsent(parts[0], k -> new ArrayList<>())
            .add(new Execution(Long.parseLong(parts[1]), Integer.parseInt(parts[2])));
      }
    }
    return all;
  }

  /** One line of the execution log: the worker process that ran the job, and which attempt. */
  record Execution(long pid, int attempt) {}

  /**
   * Asserts nothing was lost: every one of {@code ids} is SUCCEEDED in the broker and, for jobs of
   * {@code semafor.chaos}, ran to its end at least once by the execution log; returns how many
   * executions were duplicates.
   */
  long assertNothingLost(String queue, Set<String> ids, Fleet fleet, boolean logged)
      throws IOException {
    Map<String, JobRecord> byId = new HashMap<>();
    hosts.jobs(queue).forEach(j -> byId.put(j.id(), j));
    List<String> notSucceeded =
        ids.stream()
            .filter(id -> byId.get(id) == null || byId.get(id).state() != JobState.SUCCEEDED)
            .map(
                id ->
                    id
                        + "="
                        + (byId.get(id) == null
                            ? "missing"
                            : byId.get(id).state() + " " + byId.get(id).error()))
            .limit(10)
            .toList();
    assertThat(notSucceeded).as("jobs not SUCCEEDED").isEmpty();
    if (!logged) {
      return 0;
    }
    Map<String, List<Execution>> ran = executions(fleet);
    assertThat(ids.stream().filter(id -> !ran.containsKey(id)).limit(10).toList())
        .as("SUCCEEDED jobs missing from the execution log")
        .isEmpty();
    return ids.stream().mapToLong(id -> ran.get(id).size() - 1).sum();
  }

  /** The tail of every member's output, for failure messages. */
  static String logs(Fleet fleet) {
    StringBuilder out = new StringBuilder();
    for (Member m : fleet.members()) {
      try {
        String text = m.output();
        out.append("\n--- ")
            .append(m.id())
            .append(" (")
            .append(m.process().isAlive() ? "alive" : "exit " + m.process().exitValue())
            .append(") ---\n")
            .append(text.length() > 3_000 ? text.substring(text.length() - 3_000) : text);
      } catch (IOException e) {
        out.append("\n--- ").append(m.id()).append(": ").append(e);
      }
    }
    return out.toString();
  }

  /** Waits until no job of {@code queue} is waiting or running any more. */
  void awaitSettled(String queue, Duration atMost) {
    patiently(atMost)
        .alias("every job of " + queue + " finished")
        .until(
            () ->
                hosts.jobs(queue).stream()
                    .allMatch(
                        j ->
                            j.state() == JobState.SUCCEEDED
                                || j.state() == JobState.DEAD
                                || j.state() == JobState.CANCELLED));
  }

  /** A progress line on stdout, for reading a slow or failed run. */
  static void step(String test, String text) {
    System.out.println(java.time.LocalTime.now() + " " + test + ": " + text);
  }

  /** Prints a figure line and appends it to {@link #FIGURES}. */
  void figure(String test, String text) throws IOException {
    String line = hosts.server.name() + " " + test + ": " + text;
    System.out.println("FIGURE " + line);
    Files.createDirectories(FIGURES.getParent());
    Files.writeString(
        FIGURES,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  static String seconds(long nanos) {
    return String.format("%.1f s", nanos / 1e9);
  }

  static Set<String> set(List<String> ids) {
    return new HashSet<>(ids);
  }

  /** Jobs of the queue in {@code state} held by {@code workerId}. */
  List<JobRecord> heldBy(String queue, String workerId) {
    return hosts.jobs(queue, j -> j.state() == JobState.RUNNING && workerId.equals(j.workerId()));
  }

  static String ids(List<JobRecord> jobs) {
    return jobs.stream().map(JobRecord::id).collect(Collectors.joining(","));
  }

  static void sleep(Duration d) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(d.toMillis());
  }

  static final String CHAOS = ExecutionLog.TASK;
  static final String CLOCK = BuiltinTasks.CLOCK;
}
