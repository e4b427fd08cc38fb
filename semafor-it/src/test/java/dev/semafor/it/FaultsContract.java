package dev.semafor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.JobHandle;
import dev.semafor.it.Fleet.Member;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.tck.process.WorkerProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The faults of a fleet spread over hosts, on one backend (a subclass per backend): the broker's
 * server on host {@code broker}, worker processes ({@code semafor worker}) on {@code w1}..{@code
 * w3}, the test enqueuing and watching from {@code producer}. Each test is bounded (short leases,
 * few jobs) and prints its figures ({@code FIGURE …} lines, also in {@code
 * target/fault-figures.txt}); docs/guarantees.md records them.
 */
abstract class FaultsContract extends FaultHarness {
  private static final int RELAY_PORT = 7000;
  private static final long DELAY_MS = 20;
  private static final long JITTER_MS = 5;
  private static final int LATENCY_JOBS = 50;
  private static final int THROUGHPUT_JOBS = 1_000;
  private static final int OUTAGE_JOBS = 400;
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  private static final int POISON_ATTEMPTS = 3;
  private static final String[] POISON_FLAGS = {"--concurrency", "2", "--lease", LEASE};

  /**
   * A worker cut off from the network past its lease: the others re-run its jobs, its own late
   * results are refused by their fencing tokens once the cable is back, and it goes on working.
   */
  @Test
  void partitionedWorkerIsFencedOffAndGoesOnWorking() throws Exception {
    String queue = queue("partition");
    try (Fleet fleet = fleet("partition", queue, hosts.server.url())) {
      startWorkers(fleet, queue, 4);
      step("partition", "workers registered");
      Member cutOff = fleet.members().get(2);
      Set<String> ids = set(hosts.enqueue(queue, CHAOS, Map.of("ms", 1_000), 48, ATTEMPTS));

      patiently(Duration.ofSeconds(60))
          .alias(cutOff.id() + " runs jobs")
          .until(() -> heldBy(queue, cutOff.id()).stream().anyMatch(JobRecord::started));
      hosts.net.cut(cutOff.host());
      step("partition", "cut " + cutOff.host());
      long cutAt = System.nanoTime();
      List<JobRecord> held;
      long cutFor;
      try {
        held = heldBy(queue, cutOff.id()); // it cannot change them any more
        patiently(Duration.ofSeconds(90))
            .alias("the cut-off worker's jobs run again elsewhere: " + ids(held))
            .until(
                () ->
                    held.stream()
                        .allMatch(
                            h ->
                                hosts.broker.get(h.id()).orElseThrow().state()
                                    == JobState.SUCCEEDED));
        cutFor = System.nanoTime() - cutAt;
        Instant lastExpiry =
            held.stream().map(JobRecord::leaseExpiresAt).max(Instant::compareTo).orElseThrow();
        assertThat(Instant.now()).as("the cut outlasts the leases").isAfter(lastExpiry);
      } finally {
        hosts.net.restore(cutOff.host());
      }
      step("partition", "restored " + cutOff.host() + " after " + seconds(cutFor));
      long restoredAt = System.nanoTime();

      // Back on the network, its results for those jobs reach the broker and are refused.
      Set<String> ranThere = new HashSet<>();
      patiently(Duration.ofSeconds(90))
          .alias("the cut-off worker's late results refused")
          .until(
              () -> {
                ranThere.clear();
                executions(fleet)
                    .forEach(
                        (id, runs) -> {
                          if (held.stream().anyMatch(h -> h.id().equals(id))
                              && runs.stream().anyMatch(r -> r.pid() == cutOff.pid())) {
                            ranThere.add(id);
                          }
                        });
                return !ranThere.isEmpty()
                    && fleet.counter(cutOff, "semafor_leases_lost_total") >= ranThere.size();
              });
      long refusedAfter = System.nanoTime() - restoredAt;
      for (String id : ranThere) {
        JobRecord job = hosts.broker.get(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.attempts()).as("attempts of %s", id).isGreaterThanOrEqualTo(2);
        assertThat(job.workerId()).as("who completed %s", id).isNotEqualTo(cutOff.id());
      }

      step("partition", ranThere.size() + " late results refused");
      // It goes on working: it runs and completes new jobs.
      double before = fleet.counter(cutOff, "semafor_jobs_succeeded_total");
      ids.addAll(hosts.enqueue(queue, CHAOS, Map.of("ms", 200), 48, ATTEMPTS));
      awaitSettled(queue, Duration.ofSeconds(90));
      assertThat(fleet.counter(cutOff, "semafor_jobs_succeeded_total"))
          .as("jobs the cut-off worker completed after the cut")
          .isGreaterThan(before);
      long duplicates = assertNothingLost(queue, ids, fleet, true);
      assertThat(fleet.members()).allMatch(m -> m.process().isAlive());
      figure(
          "partition",
          String.format(
              "cut %s (lease %s), %d jobs held, %d ran there and were refused %s after the"
                  + " cable came back; %d jobs, 0 lost, %d duplicate executions",
              seconds(cutFor),
              LEASE,
              held.size(),
              ranThere.size(),
              seconds(refusedAfter),
              ids.size(),
              duplicates));
    }
  }

  /**
   * Every connection to the broker through a relay that delays each way by 20 ms ± 5 ms: the
   * fleet's throughput and the enqueue-to-start latency, and nothing lost.
   */
  @Test
  void slowNetworkLosesNothing() throws Exception {
    String queue = queue("slow");
    String brokerHost = hosts.net.host(Hosts.BROKER).address();
    Process relay =
        hosts.net.start(
            hosts
                .net
                .on(
                    Hosts.BROKER,
                    Fleet.java(
                        DelayRelay.class,
                        brokerHost,
                        Integer.toString(RELAY_PORT),
                        "127.0.0.1",
                        Integer.toString(hosts.server.port()),
                        Long.toString(DELAY_MS),
                        Long.toString(JITTER_MS)))
                .redirectErrorStream(true));
    WorkerProcesses.awaitLine(relay, "relaying on"); // it listens: connections can go through
    try (Tunnel tunnel =
            Tunnel.open(
                hosts.net, Hosts.PRODUCER, brokerHost, RELAY_PORT, hosts.testFolder("slow"));
        Broker slow =
            Brokers.open(
                hosts.server.url(
                    tunnel.address().getAddress().getHostAddress(), tunnel.address().getPort()));
        Fleet fleet = fleet("slow", queue, hosts.server.url(brokerHost, RELAY_PORT))) {
      startWorkers(fleet, queue, 8);
      step("slow", "workers registered");
      Client producer = new Client(slow);
      JobOptions options = JobOptions.defaults().queue(queue).maxAttempts(ATTEMPTS);

      // Latency: one job at a time, each enqueued alone, 20 ms after the call before returned.
      Map<String, Long> enqueuedAtMicros = new HashMap<>();
      List<Long> calls = new ArrayList<>();
      for (int i = 0; i < LATENCY_JOBS; i++) {
        long at = BuiltinTasks.epochMicros();
        enqueuedAtMicros.put(producer.enqueue(CLOCK, null, options).id(), at);
        calls.add(BuiltinTasks.epochMicros() - at);
        sleep(Duration.ofMillis(20));
      }
      Collections.sort(calls);
      awaitSettled(queue, Duration.ofSeconds(90));
      List<Long> latencies = new ArrayList<>();
      for (JobRecord job : hosts.jobs(queue)) {
        assertThat(job.state()).as("job %s", job.id()).isEqualTo(JobState.SUCCEEDED);
        long ranAt = Json.defaults().mapper().readTree(job.result()).get("at_us").asLong();
        latencies.add(ranAt - enqueuedAtMicros.get(job.id()));
      }
      Collections.sort(latencies);

      // Throughput: a batch, from the enqueue call until the last one succeeded.
      long t0 = System.nanoTime();
      List<String> batch = new ArrayList<>();
      for (JobHandle h :
          producer.enqueueAll(
              Collections.nCopies(THROUGHPUT_JOBS, new JobRequest(CLOCK, null, options)))) {
        batch.add(h.id());
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> hosts.count(queue, JobState.SUCCEEDED) == LATENCY_JOBS + THROUGHPUT_JOBS);
      long took = System.nanoTime() - t0;
      Set<String> all = new HashSet<>(enqueuedAtMicros.keySet());
      all.addAll(batch);
      assertNothingLost(queue, all, fleet, false);
      figure(
          "slow network",
          String.format(
              "%d ms ± %d ms each way; the enqueue call p50 %.1f ms; enqueue->start p50 %.1f ms,"
                  + " p95 %.1f ms, max %.1f ms (%d jobs one by one); %d jobs in %s = %.0f jobs/s"
                  + " (3 workers x 8); 0 lost",
              DELAY_MS,
              JITTER_MS,
              calls.get(calls.size() / 2) / 1e3,
              latencies.get(latencies.size() / 2) / 1e3,
              latencies.get(latencies.size() * 95 / 100) / 1e3,
              latencies.get(latencies.size() - 1) / 1e3,
              LATENCY_JOBS,
              THROUGHPUT_JOBS,
              seconds(took),
              THROUGHPUT_JOBS / (took / 1e9)));
    } finally {
      relay.destroyForcibly();
    }
  }

  /**
   * The broker's server stopped (as a crashed host: PostgreSQL {@code -m immediate}, redis-server
   * SIGKILL) for 10 s mid-run and started again on its data: no worker exits, nothing is lost.
   */
  @Test
  void brokerOutageOfTenSecondsLosesNothing() throws Exception {
    String queue = queue("outage");
    try (Fleet fleet = fleet("outage", queue, hosts.server.url())) {
      startWorkers(fleet, queue, 4);
      // 400 jobs of 300 ms on 12 members: about 10 s of work, the outage early in it
      Set<String> ids = set(hosts.enqueue(queue, CHAOS, Map.of("ms", 300), OUTAGE_JOBS, ATTEMPTS));
      patiently(Duration.ofSeconds(90))
          .until(() -> hosts.count(queue, JobState.SUCCEEDED) >= OUTAGE_JOBS / 10);
      long before = hosts.count(queue, JobState.SUCCEEDED);
      hosts.server.stop();
      step("outage", "server stopped with " + before + " jobs done");
      try {
        sleep(OUTAGE); // the outage itself, not a wait for something
        assertThat(fleet.members())
            .as("workers alive after the outage" + logs(fleet))
            .allMatch(m -> m.process().isAlive());
      } finally {
        hosts.server.start();
      }
      long restartedAt = System.nanoTime();
      step("outage", "server started again");
      patiently(Duration.ofSeconds(90))
          .until(() -> hosts.count(queue, JobState.SUCCEEDED) > before);
      long firstAfter = System.nanoTime() - restartedAt;
      awaitSettled(queue, Duration.ofSeconds(120));
      long drained = System.nanoTime() - restartedAt;
      long duplicates = assertNothingLost(queue, ids, fleet, true);
      assertThat(fleet.members())
          .as("workers alive after the drain" + logs(fleet))
          .allMatch(m -> m.process().isAlive());
      figure(
          "outage",
          String.format(
              "server down %s with %d of %d jobs done; first success %s after the restart, all"
                  + " done %s after it; 0 lost, %d duplicate executions, no worker exited",
              seconds(OUTAGE.toNanos()),
              before,
              OUTAGE_JOBS,
              seconds(firstAfter),
              seconds(drained),
              duplicates));
    }
  }

  /**
   * Jobs that kill their worker's JVM in every attempt ({@link Runtime#halt}, and running out of
   * memory under {@code -XX:+ExitOnOutOfMemoryError}) end DEAD after their attempts, with a reason
   * that names the lease expiry and the worker, while the fleet (each dead worker restarted, as a
   * supervisor would) runs every other job to success.
   */
  @Test
  void poisonJobsEndDeadWhileTheFleetKeepsWorking() throws Exception {
    String queue = queue("poison");
    try (Fleet fleet = fleet("poison", queue, hosts.server.url(), "-XX:+ExitOnOutOfMemoryError")) {
      Map<String, Member> live = new HashMap<>();
      int[] started = {0};
      for (String host : Hosts.WORKERS) {
        live.put(host, fleet.start(host, host + "-" + queue + "-" + (++started[0]), POISON_FLAGS));
      }
      awaitRegistered(fleet);
      String halt = hosts.enqueue(queue, ItTasks.HALT, Map.of(), 1, POISON_ATTEMPTS).get(0);
      String oom = hosts.enqueue(queue, ItTasks.OOM, Map.of(), 1, POISON_ATTEMPTS).get(0);
      Set<String> good = set(hosts.enqueue(queue, CHAOS, Map.of("ms", 100), 40, ATTEMPTS));
      long t0 = System.nanoTime();

      List<Integer> exits = new ArrayList<>();
      patiently(Duration.ofSeconds(150))
          .alias("poison jobs DEAD and the rest SUCCEEDED")
          .until(
              () -> {
                for (Map.Entry<String, Member> e : live.entrySet()) {
                  Process p = e.getValue().process();
                  if (!p.isAlive()) { // a supervisor's restart, say systemd's Restart=always
                    exits.add(p.exitValue());
                    String id = e.getKey() + "-" + queue + "-" + (++started[0]);
                    e.setValue(fleet.start(e.getKey(), id, POISON_FLAGS));
                    step("poison", e.getKey() + " exited " + p.exitValue() + "; started " + id);
                  }
                }
                return hosts.count(queue, JobState.SUCCEEDED) == good.size()
                    && hosts.count(queue, JobState.DEAD) == 2;
              });
      long took = System.nanoTime() - t0;
      for (String id : List.of(halt, oom)) {
        JobRecord job = hosts.broker.get(id).orElseThrow();
        assertThat(job.state()).as("poison job %s", job.task()).isEqualTo(JobState.DEAD);
        assertThat(job.attempts()).isEqualTo(POISON_ATTEMPTS);
        assertThat(job.error().type()).isEqualTo("dev.semafor.LeaseExpired");
        assertThat(job.error().message())
            .as("the reason")
            .contains("lease expired at")
            .containsPattern("worker w[123]-" + queue + "-[0-9]+");
        step("poison", job.task() + ": " + job.error().message());
      }
      assertNothingLost(queue, good, fleet, true);
      // A JVM that dies can take both poison jobs (and its prefetch) with it, so attempts and
      // deaths need not match one for one; every death was one of them, though.
      assertThat(exits)
          .as("worker exits: a halt (%d) or out of memory (3)", ItTasks.HALT_CODE)
          .contains(ItTasks.HALT_CODE)
          .allMatch(code -> code == ItTasks.HALT_CODE || code == 3)
          .hasSizeLessThanOrEqualTo(2 * POISON_ATTEMPTS);
      figure(
          "poison",
          String.format(
              "a halting and an out-of-memory job, %d attempts each: both DEAD (%s), %d worker"
                  + " processes lost and restarted, %d other jobs all SUCCEEDED, in %s",
              POISON_ATTEMPTS,
              hosts.broker.get(halt).orElseThrow().error().message(),
              exits.size(),
              good.size(),
              seconds(took)));
    }
  }

  /**
   * SIGTERM to a worker running 64 jobs: they finish within the grace, the jobs it had leased but
   * not started go back at once, nothing is left RUNNING, and it exits 0.
   */
  @Test
  void sigtermFinishesRunningJobsAndHandsBackTheRest() throws Exception {
    String queue = queue("sigterm");
    try (Fleet fleet = fleet("sigterm", queue, hosts.server.url())) {
      Member worker =
          fleet.start(
              "w1", "w1-" + queue, "--concurrency", "64", "--lease", LEASE, "--grace", "60s");
      awaitRegistered(fleet);
      List<String> ids = hosts.enqueue(queue, CHAOS, Map.of("ms", 6_000), 200, ATTEMPTS);
      // The moment 64 run and more are leased: those wait in the worker's local queue (every
      // member is busy). It does not last: a job that waits a second behind busy members is
      // handed back anyway, so the test looks often and signals at once.
      AtomicReference<List<JobRecord>> snapshot = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .alias("64 jobs running and more leased")
          .until(
              () -> {
                List<JobRecord> now = heldBy(queue, worker.id());
                snapshot.set(now);
                return now.stream().filter(JobRecord::started).count() == 64 && now.size() > 64;
              });
      worker.process().destroy(); // SIGTERM
      long t0 = System.nanoTime();
      List<JobRecord> held = snapshot.get();
      Set<String> running =
          held.stream().filter(JobRecord::started).map(JobRecord::id).collect(Collectors.toSet());
      Set<String> waiting =
          held.stream().filter(j -> !j.started()).map(JobRecord::id).collect(Collectors.toSet());
      assertThat(running).hasSize(64);
      assertThat(waiting).as("leased, not started").isNotEmpty();
      patiently(Duration.ofSeconds(10))
          .alias("leased, unstarted jobs handed back")
          .until(
              () ->
                  waiting.stream()
                      .allMatch(
                          id -> hosts.broker.get(id).orElseThrow().state() == JobState.QUEUED));
      long handedBack = System.nanoTime() - t0;
      assertThat(worker.process().isAlive())
          .as("the worker is still finishing its running jobs")
          .isTrue();
      assertThat(worker.process().waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
      long exited = System.nanoTime() - t0;
      assertThat(worker.process().exitValue()).as("exit code" + logs(fleet)).isZero();
      assertThat(hosts.count(queue, JobState.RUNNING)).as("jobs left RUNNING").isZero();
      assertNothingLost(queue, running, fleet, true);
      for (String id : waiting) {
        JobRecord job = hosts.broker.get(id).orElseThrow();
        assertThat(job.attempts()).as("attempts of handed-back %s", id).isZero();
      }
      // The rest never ran or were handed back: QUEUED, their attempts not counted. (When the
      // test catches the moment in a later wave, the jobs of the earlier ones are SUCCEEDED.)
      assertThat(hosts.jobs(queue))
          .as("every job SUCCEEDED, or QUEUED with no attempt counted")
          .hasSize(ids.size())
          .allMatch(
              j ->
                  j.state() == JobState.SUCCEEDED
                      || (j.state() == JobState.QUEUED && j.attempts() == 0));
      figure(
          "sigterm",
          String.format(
              "%d running jobs all SUCCEEDED, %d leased but unstarted QUEUED again %s after"
                  + " SIGTERM, exit 0 after %s (jobs of 6 s, grace 60 s)",
              running.size(), waiting.size(), seconds(handedBack), seconds(exited)));
    }
  }
}
