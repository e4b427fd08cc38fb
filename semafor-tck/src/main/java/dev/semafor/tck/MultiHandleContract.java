package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobIds;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.spi.ScheduleRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a store shared by many broker handles: several handles opened on one store (two
 * processes on one SQLite file, workers on many hosts against one PostgreSQL database) race each
 * other, each on its own thread, and whatever must hold across workers still holds: leases never
 * overlap, unique keys hold, limits are never exceeded, a chord's callback is enqueued once, a
 * schedule tick enqueues one job, reaping never takes back a lease that a heartbeat kept live, and
 * a paused queue is paused for every handle.
 *
 * <p>One handle's TCK ({@link BrokerContract}) cannot catch these: a broker that serializes its own
 * callers behind one lock passes it while two handles still race. A backend subclasses this next to
 * its {@code BrokerContract} subclass and says how to open handles on one new store:
 *
 * <pre>{@code
 * class SqliteMultiHandleTest extends MultiHandleContract {
 *   @Override
 *   protected List<Broker> openHandles(int n, InstantSource clock) { ... }
 * }
 * }</pre>
 *
 * Every race starts its threads on a latch and repeats over many rounds, so that a check-then-act
 * between two statements is caught, not merely possible. All handles read one {@link
 * SettableClock}.
 */
public abstract class MultiHandleContract {
  protected static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final int HANDLES = 4;
  private static final int ROUNDS = 25;
  private static final String QUEUE = "default";
  private static final Duration LEASE = Duration.ofSeconds(30);

  private SettableClock clock;
  private List<Broker> handles = List.of();
  private ExecutorService threads;

  /**
   * Opens {@code n} broker handles on one new, empty store, each as a separate client would (its
   * own connections), all reading time from {@code clock}. They are closed after the case.
   */
  protected abstract List<Broker> openHandles(int n, InstantSource clock);

  @BeforeEach
  final void open() {
    clock = new SettableClock(START);
    handles = openHandles(HANDLES, clock);
    assertThat(handles).as("openHandles(%d, clock)", HANDLES).hasSize(HANDLES);
    threads = Executors.newFixedThreadPool(HANDLES);
  }

  @AfterEach
  final void close() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(1, TimeUnit.MINUTES);
    for (Broker handle : handles) {
      handle.close();
    }
  }

  @Test
  final void leasesNeverOverlap() throws Exception {
    int jobs = 4_000;
    List<JobRecord> all = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      all.add(job("race").priority(i % 3).build());
    }
    handles.get(0).enqueue(all);
    List<List<String>> received =
        race(
            h -> {
              LeaseRequest request = new LeaseRequest(List.of(QUEUE), 16, "w" + h, LEASE);
              List<String> mine = new ArrayList<>();
              List<Lease> leases;
              while (!(leases = handles.get(h).lease(request)).isEmpty()) {
                leases.forEach(l -> mine.add(l.job().id()));
              }
              return mine;
            });
    Map<String, Integer> times = new HashMap<>();
    received.forEach(ids -> ids.forEach(id -> times.merge(id, 1, Integer::sum)));
    times.values().removeIf(n -> n == 1);
    assertThat(times).as("jobs leased more than once").isEmpty();
    assertThat(received.stream().mapToInt(List::size).sum()).isEqualTo(jobs);
  }

  @Test
  final void aUniqueKeyIsHeldByOneJobWhateverTheHandle() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String key = "unique-" + round;
      UniquePolicy policy = round % 2 == 0 ? UniquePolicy.REJECT : UniquePolicy.REPLACE;
      race(
          h -> {
            JobRecord job = job("unique").uniqueKey(key).uniquePolicy(policy).build();
            return handles.get(h).enqueue(List.of(job)).get(0);
          });
      List<JobRecord> active =
          handles.get(0).query(JobQuery.all().task("unique").page(10_000, 0)).stream()
              .filter(j -> key.equals(j.uniqueKey()) && j.state().isWaiting())
              .toList();
      assertThat(active).as("waiting jobs holding %s (%s)", key, policy).hasSize(1);
    }
  }

  @Test
  final void aRetryRacingAnEnqueueOfItsKeyEitherWinsOrIsRefusedClearly() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String key = "retried-" + round;
      JobRecord cancelled = job("unique").uniqueKey(key).uniquePolicy(UniquePolicy.REJECT).build();
      handles.get(0).enqueue(List.of(cancelled));
      handles.get(0).cancel(cancelled.id());
      List<String> outcomes =
          race(
              h -> {
                if (h == 0) {
                  try {
                    return handles.get(h).retry(cancelled.id()) ? "retried" : "not retried";
                  } catch (UniqueKeyConflictException e) {
                    return "refused";
                  }
                }
                JobRecord fresh =
                    job("unique").uniqueKey(key).uniquePolicy(UniquePolicy.REJECT).build();
                return handles.get(h).enqueue(List.of(fresh)).get(0).id();
              });
      assertThat(outcomes.get(0)).as("the retry, round %d", round).isIn("retried", "refused");
      List<JobRecord> waiting =
          handles.get(0).query(JobQuery.all().task("unique").page(10_000, 0)).stream()
              .filter(j -> key.equals(j.uniqueKey()) && j.state().isWaiting())
              .toList();
      assertThat(waiting).as("waiting jobs holding %s", key).hasSize(1);
      boolean retried = outcomes.get(0).equals("retried");
      assertThat(waiting.get(0).id().equals(cancelled.id()))
          .as("the retried job holds the key exactly when the retry won")
          .isEqualTo(retried);
    }
  }

  @Test
  final void rateStartsGivenBackByRacingReleasesAllComeBack() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String key = "given-back-" + round;
      String queue = "rated-" + round;
      List<JobRecord> rated = new ArrayList<>();
      for (int i = 0; i < HANDLES; i++) {
        rated.add(
            job("rated")
                .queue(queue)
                .rateKey(key)
                .ratePermits(HANDLES)
                .ratePeriod(Duration.ofHours(1))
                .build());
      }
      handles.get(0).enqueue(rated);
      List<Lease> taken =
          handles.get(0).lease(new LeaseRequest(List.of(queue), HANDLES, "w0", LEASE));
      assertThat(taken).as("every permit free at first").hasSize(HANDLES);
      race(
          h -> {
            handles.get(h).release(List.of(taken.get(h).ref()));
            return null;
          });
      List<Lease> again =
          handles.get(1).lease(new LeaseRequest(List.of(queue), HANDLES, "w1", LEASE));
      assertThat(again).as("permits given back by %d racing releases", HANDLES).hasSize(HANDLES);
    }
  }

  @Test
  final void aConcurrencyLimitIsNeverExceeded() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String key = "limited-" + round;
      List<JobRecord> jobs = new ArrayList<>();
      for (int i = 0; i < HANDLES * 2; i++) {
        jobs.add(job("limited").concurrencyKey(key).concurrencyLimit(2).build());
      }
      handles.get(0).enqueue(jobs);
      assertThat(leaseAllAtOnce())
          .as("jobs leased at once under limit 2 of %s", key)
          .isLessThanOrEqualTo(2);
      leaseUntilEmpty(); // a lease that met another's lock on the key may have left a slot free
      assertThat(running()).as("jobs running under concurrency limit 2 of %s", key).isEqualTo(2);
      finishRunning();
    }
  }

  @Test
  final void aRateLimitIsNeverExceeded() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String key = "rated-" + round;
      List<JobRecord> jobs = new ArrayList<>();
      for (int i = 0; i < HANDLES * 2; i++) {
        jobs.add(job("rated").rateKey(key).ratePermits(3).ratePeriod(Duration.ofHours(1)).build());
      }
      handles.get(0).enqueue(jobs);
      int leased = leaseAllAtOnce();
      assertThat(leased)
          .as("jobs leased at once under rate limit 3/h of %s", key)
          .isLessThanOrEqualTo(3);
      leased += leaseUntilEmpty();
      assertThat(leased).as("jobs leased under rate limit 3/h of %s", key).isEqualTo(3);
      finishRunning();
    }
  }

  @Test
  final void aChordCallbackIsEnqueuedOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String groupId = JobIds.next(clock.instant());
      JobTemplate callback =
          JobTemplate.of(
              JobIds.next(clock.instant()), "callback", JobOptions.defaults(), clock.instant());
      List<JobRecord> members = new ArrayList<>();
      for (int i = 0; i < HANDLES; i++) {
        members.add(job("member").groupId(groupId).groupIndex(i).build());
      }
      handles.get(0).enqueueGroup(GroupRecord.of(groupId, HANDLES, callback), members);
      List<Lease> leases =
          handles.get(0).lease(new LeaseRequest(List.of(QUEUE), HANDLES, "w", LEASE));
      assertThat(leases).hasSize(HANDLES);
      race(
          h ->
              handles
                  .get(h)
                  .complete(List.of(new Completion(leases.get(h).ref(), "\"r" + h + "\""))));
      List<JobRecord> callbacks =
          handles.get(0).query(JobQuery.all().task("callback").page(10_000, 0)).stream()
              .filter(j -> j.state() == JobState.QUEUED)
              .toList();
      assertThat(callbacks).as("callbacks of group %s", groupId).hasSize(1);
      assertThat(callbacks.get(0).input()).isEqualTo("[\"r0\",\"r1\",\"r2\",\"r3\"]");
      finishQueued("callback");
    }
  }

  @Test
  final void aScheduleTickEnqueuesOneJob() throws Exception {
    Set<String> winners = new HashSet<>();
    for (int round = 1; round <= ROUNDS; round++) {
      Instant tick = START.plusSeconds(60L * round);
      ScheduleRecord schedule =
          new ScheduleRecord(
              "every-minute",
              "* * * * *",
              ZoneId.of("UTC"),
              "tick",
              QUEUE,
              null,
              tick.plusSeconds(60));
      List<Boolean> claims =
          race(h -> handles.get(h).claimTick(schedule, tick, job("tick").build()));
      assertThat(claims.stream().filter(won -> won).count())
          .as("claims that won tick %s", tick)
          .isEqualTo(1);
      winners.add(tick.toString());
    }
    assertThat(handles.get(1).query(JobQuery.all().task("tick").page(10_000, 0)))
        .hasSize(winners.size());
  }

  @Test
  final void reapingNeverTakesBackALeaseThatAHeartbeatKeptLive() throws Exception {
    int jobs = 200;
    for (int round = 0; round < ROUNDS / 5; round++) {
      List<JobRecord> batch = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        batch.add(job("held").maxAttempts(5).build());
      }
      handles.get(0).enqueue(batch);
      List<Lease> leases =
          handles.get(0).lease(new LeaseRequest(List.of(QUEUE), jobs, "holder", LEASE));
      clock.advance(LEASE); // every lease is now due to expire, none reaped yet
      List<List<LeaseStatus>> beats =
          race(
              h -> {
                if (h == 0) {
                  handles.get(h).reapExpiredLeases();
                  return List.of();
                }
                List<LeaseStatus> statuses = new ArrayList<>();
                for (int i = h - 1; i < leases.size(); i += HANDLES - 1) {
                  statuses.add(
                      handles.get(h).heartbeat(List.of(leases.get(i).ref()), LEASE).get(0));
                }
                return statuses;
              });
      for (int h = 1; h < HANDLES; h++) {
        List<LeaseStatus> statuses = beats.get(h);
        for (int k = 0; k < statuses.size(); k++) {
          Lease lease = leases.get(h - 1 + k * (HANDLES - 1));
          if (statuses.get(k) == LeaseStatus.ACTIVE) {
            JobRecord now = handles.get(0).get(lease.job().id()).orElseThrow();
            assertThat(now.state())
                .as("job %s whose heartbeat kept its lease live", now.id())
                .isEqualTo(JobState.RUNNING);
          }
        }
      }
      clock.advance(LEASE.multipliedBy(3));
      handles.get(0).reapExpiredLeases();
      finishQueued("held");
    }
  }

  @Test
  final void aPausedQueueIsPausedForEveryHandleUntilAnyResumesIt() {
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 0; i < HANDLES; i++) {
      jobs.add(job("paused").build());
    }
    handles.get(0).enqueue(jobs);
    assertThat(handles.get(0).pauseQueue(QUEUE)).isTrue();

    for (int h = 0; h < HANDLES; h++) {
      Broker handle = handles.get(h);
      assertThat(handle.pausedQueues())
          .as("queues handle %d sees paused", h)
          .containsExactly(QUEUE);
      assertThat(handle.pauseQueue(QUEUE)).as("handle %d pausing it again", h).isFalse();
      assertThat(handle.lease(new LeaseRequest(List.of(QUEUE), 10, "w" + h, LEASE)))
          .as("jobs handle %d leased from the paused queue", h)
          .isEmpty();
    }
    assertThat(handles.get(HANDLES - 1).resumeQueue(QUEUE)).isTrue();
    assertThat(handles.get(1).pausedQueues()).isEmpty();
    assertThat(handles.get(1).lease(new LeaseRequest(List.of(QUEUE), 10, "w1", LEASE)))
        .hasSize(HANDLES);
  }

  /**
   * Every handle leases at once from the default queue, one job per call (so that each call locks a
   * different candidate and the limit, not the row lock, must stop it), until it gets nothing;
   * returns how many jobs were leased in all.
   */
  private int leaseAllAtOnce() throws Exception {
    return race(
            h -> {
              LeaseRequest request = new LeaseRequest(List.of(QUEUE), 1, "w" + h, LEASE);
              int n = 0;
              while (!handles.get(h).lease(request).isEmpty()) {
                n++;
              }
              return n;
            })
        .stream()
        .mapToInt(Integer::intValue)
        .sum();
  }

  /** Leases from one handle, one job at a time, until it gets nothing; returns how many. */
  private int leaseUntilEmpty() {
    LeaseRequest request = new LeaseRequest(List.of(QUEUE), 1, "w0", LEASE);
    int n = 0;
    while (!handles.get(0).lease(request).isEmpty()) {
      n++;
    }
    return n;
  }

  private long running() {
    return handles.get(0).query(JobQuery.all().states(JobState.RUNNING).page(10_000, 0)).size();
  }

  /** Ends every running job (its lease reaped as dead) and every queued one, for the next round. */
  private void finishRunning() {
    clock.advance(Duration.ofHours(2));
    handles.get(0).reapExpiredLeases();
    finishQueued(null);
  }

  private void finishQueued(String task) {
    JobQuery query = JobQuery.all().states(JobState.QUEUED).page(10_000, 0);
    for (JobRecord job : handles.get(0).query(task == null ? query : query.task(task))) {
      handles.get(0).cancel(job.id());
    }
  }

  private JobRecord.Builder job(String task) {
    return TestJobs.record(task, clock.instant()).queue(QUEUE);
  }

  /** Runs {@code work(h)} for every handle h at once, started together; returns the results. */
  private <T> List<T> race(HandleWork<T> work) throws Exception {
    CountDownLatch ready = new CountDownLatch(HANDLES);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int h = 0; h < HANDLES; h++) {
      int handle = h;
      futures.add(
          threads.submit(
              () -> {
                ready.countDown();
                go.await();
                return work.run(handle);
              }));
    }
    ready.await();
    go.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(2, TimeUnit.MINUTES));
    }
    return results;
  }

  /** What one racing thread does with handle {@code h}. */
  @FunctionalInterface
  private interface HandleWork<T> {
    T run(int h) throws Exception;
  }
}
