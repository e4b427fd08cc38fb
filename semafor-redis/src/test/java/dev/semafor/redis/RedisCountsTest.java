package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.TaskCount;
import dev.semafor.tck.SettableClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The counters the Redis scripts keep beside the jobs — waiting jobs per queue and task ({@code
 * qt:QUEUE}, read by {@link Broker#queuedTasks}, and read by the lease script to decide whether a
 * worker's task filter must look past other tasks' jobs) and the leased-but-not-started count
 * ({@code L} in {@code n:QUEUE}) — agree with the jobs after every move into and out of the queue;
 * and a filtered lease finds its jobs behind many of other tasks.
 *
 * <p>Leases are kept per lease call, not per job (lib.lua's {@code leaseEnded}): {@code {N}:l}
 * holds one entry per batch, scored no later than the earliest expiry in it, {@code lb:BASE} its
 * ids and {@code ln} its live count. A reap still ends exactly the expired leases of a batch whose
 * other leases were extended; a batch whose leases all ended leaves nothing behind. Successes are
 * kept per completion call ({@code fb}, {@code fb:SEQ}): pruning and queries see each job of one.
 */
class RedisCountsTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("counts");

  private static final String Q = "q1";
  private static final String OTHER_Q = "q2";
  private static final Duration LEASE = Duration.ofMinutes(1);

  private final SettableClock clock =
      new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  private String url;
  private Broker broker;

  @BeforeEach
  void open() {
    url = redis.nextUrl();
    broker = Brokers.open(url, clock);
  }

  @AfterEach
  void close() {
    broker.close();
  }

  private JobRecord.Builder job(String task) {
    Instant now = clock.instant();
    return TestRedis.job(task).queue(Q).runAt(now).enqueuedAt(now);
  }

  private JobRecord enqueue(JobRecord.Builder b) {
    return broker.enqueue(List.of(b.build())).get(0);
  }

  private List<Lease> lease(int max, String... tasks) {
    return broker.lease(new LeaseRequest(List.of(Q), max, "w", LEASE, Set.of(tasks)));
  }

  @Test
  void everyMoveIntoAndOutOfTheQueueKeepsTheCountsTrue() {
    enqueue(job("a"));
    enqueue(job("b"));
    JobRecord toCancel = enqueue(job("b"));
    enqueue(job("a").queue(OTHER_Q));
    enqueue(job("c").runAt(clock.instant().plusSeconds(60)));
    enqueue(job("u").uniqueKey("k"));
    assertCountsMatchJobs();

    enqueue(job("u2").uniqueKey("k").uniquePolicy(UniquePolicy.REPLACE));
    assertThat(broker.cancel(toCancel.id()).name()).isEqualTo("CANCELLED");
    assertCountsMatchJobs();

    List<Lease> leases = lease(10, "a", "u2");
    assertThat(leases).hasSize(2);
    broker.markStarted(List.of(leases.get(0).ref()));
    assertCountsMatchJobs();

    broker.fail(
        List.of(Failure.retry(leases.get(0).ref(), JobError.of("E", "x"), clock.instant())));
    broker.release(List.of(leases.get(1).ref()));
    assertCountsMatchJobs();

    List<Lease> again = lease(10);
    assertThat(again).hasSize(3);
    broker.fail(List.of(Failure.dead(again.get(0).ref(), JobError.of("E", "x"))));
    broker.complete(List.of(new Completion(again.get(1).ref(), null)));
    assertCountsMatchJobs();

    assertThat(broker.retry(again.get(0).job().id())).isTrue();
    clock.advance(LEASE.plusSeconds(1)); // the third lease expires; the scheduled job comes due
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertCountsMatchJobs();

    assertThat(lease(10, "c")).hasSize(1); // promotes the due job, leases it
    assertCountsMatchJobs();
    assertThat(broker.queuedTasks())
        .containsExactly(
            new TaskCount(Q, "a", 1), new TaskCount(Q, "u2", 1), new TaskCount(OTHER_Q, "a", 1));
  }

  @Test
  void aFilteredLeaseFindsItsJobsBehindManyOfOtherTasksAndLeavesThemInOrder() {
    List<JobRecord> theirs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      theirs.add(job("theirs").priority(5).build());
    }
    broker.enqueue(theirs);
    JobRecord first = enqueue(job("mine").concurrencyKey("k").concurrencyLimit(1));
    enqueue(job("mine").concurrencyKey("k").concurrencyLimit(1));
    JobRecord third = enqueue(job("mine"));

    assertThat(lease(10, "mine"))
        .as("the second waits behind the first's concurrency limit")
        .extracting(l -> l.job().id())
        .containsExactly(first.id(), third.id());

    List<Lease> rest = lease(1000);
    assertThat(rest)
        .extracting(l -> l.job().id())
        .containsExactlyElementsOf(theirs.stream().map(JobRecord::id).toList());
    assertThat(rest).allSatisfy(l -> assertThat(l.job().attempts()).isEqualTo(1));
    assertCountsMatchJobs();
  }

  @Test
  void jobsParkedBehindALimitAreCountedApartSoAFilteredLeaseKnowsTheyAreNotInLine() {
    JobRecord.Builder limited = job("mine").concurrencyKey("k").concurrencyLimit(1);
    JobRecord first = enqueue(limited.id(JobIds.next(clock.instant())));
    JobRecord held = enqueue(limited.id(JobIds.next(clock.instant())));
    JobRecord alsoHeld = enqueue(limited.id(JobIds.next(clock.instant())));
    enqueue(job("theirs"));

    List<Lease> leases = lease(10, "mine");
    assertThat(leases).extracting(l -> l.job().id()).containsExactly(first.id());
    assertThat(parkedByTask()).isEqualTo(Map.of("mine", "2"));

    broker.cancel(alsoHeld.id());
    assertThat(parkedByTask()).isEqualTo(Map.of("mine", "1"));

    broker.complete(List.of(new Completion(leases.get(0).ref(), null)));
    assertThat(lease(10, "mine")).extracting(l -> l.job().id()).containsExactly(held.id());
    assertThat(parkedByTask()).isEmpty();
    assertCountsMatchJobs();
  }

  @Test
  void aFilteredLeaseStaysRightWhenTheCountersAreBehind() {
    List<JobRecord> theirs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      theirs.add(job("theirs").priority(5).build());
    }
    broker.enqueue(theirs);
    JobRecord mine = enqueue(job("mine"));
    raw((r, prefix) -> r.del("{" + prefix + "}:qt:" + Q)); // as if queued before the counters

    assertThat(lease(10, "mine")).extracting(l -> l.job().id()).containsExactly(mine.id());
    assertThat(lease(10_000))
        .extracting(l -> l.job().id())
        .containsExactlyElementsOf(theirs.stream().map(JobRecord::id).toList());
  }

  private List<Lease> enqueueAndLease(int n) {
    List<JobRecord> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(job("t").build());
    }
    broker.enqueue(jobs);
    return lease(n);
  }

  private static LeaseRef ref(Lease l) {
    return new LeaseRef(l.job().id(), l.token());
  }

  @Test
  void aReapEndsTheExpiredLeasesOfABatchAndKeepsTheOnesAHeartbeatExtended() {
    List<Lease> leases = enqueueAndLease(3);
    assertThat(leases).hasSize(3);
    clock.advance(Duration.ofSeconds(40));
    assertThat(broker.heartbeat(List.of(ref(leases.get(1))), LEASE))
        .containsExactly(LeaseStatus.ACTIVE);
    clock.advance(Duration.ofSeconds(30)); // past the batch's expiry, not the extended one

    assertThat(broker.reapExpiredLeases()).isEqualTo(2);
    assertThat(state(leases.get(0))).isEqualTo(JobState.QUEUED);
    assertThat(state(leases.get(1))).isEqualTo(JobState.RUNNING);
    assertThat(state(leases.get(2))).isEqualTo(JobState.QUEUED);
    assertThat(broker.reapExpiredLeases()).isZero();

    clock.advance(Duration.ofSeconds(31)); // past the extended expiry
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertThat(state(leases.get(1))).isEqualTo(JobState.QUEUED);
    assertThat(leaseKeys()).isEmpty();
  }

  @Test
  void aLeaseFromBeforeBatchesIsReapedOnItsOwnExpiry() {
    // The layout before leases were kept per batch: one lease-set entry per job, named by its id.
    List<Lease> leases = enqueueAndLease(2);
    Lease live = leases.get(0);
    Lease expiring = leases.get(1);
    long liveUntil = clock.instant().plus(Duration.ofMinutes(5)).toEpochMilli();
    raw(
        (r, prefix) -> {
          String tag = "{" + prefix + "}";
          for (String base : r.zrange(tag + ":l", 0, -1)) {
            r.zrem(tag + ":l", base);
            r.del(tag + ":lb:" + base);
            r.hdel(tag + ":ln", base);
          }
          String liveJob = tag + ":j:" + live.job().id();
          assertThat(r.exists(liveJob)).as("the job hash's key").isEqualTo(1);
          r.hset(liveJob, "le", Long.toString(liveUntil));
          r.zadd(tag + ":l", liveUntil, live.job().id());
          r.zadd(tag + ":l", expiring.expiresAt().toEpochMilli(), expiring.job().id());
          return null;
        });
    clock.advance(LEASE.plusSeconds(1));

    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertThat(state(expiring)).isEqualTo(JobState.QUEUED);
    assertThat(state(live)).as("its lease runs 5 minutes").isEqualTo(JobState.RUNNING);

    clock.advance(Duration.ofMinutes(5));
    assertThat(broker.reapExpiredLeases()).isEqualTo(1);
    assertThat(state(live)).isEqualTo(JobState.QUEUED);
    assertThat(leaseKeys()).isEmpty();
  }

  @Test
  void aBatchWhoseLeasesAllEndedLeavesNoKeysBehind() {
    List<Lease> leases = enqueueAndLease(4);
    assertThat(leaseKeys()).isNotEmpty();
    broker.complete(List.of(new Completion(ref(leases.get(0)), null)));
    broker.fail(
        List.of(new Failure(ref(leases.get(1)), null, clock.instant().plusSeconds(5), false)));
    broker.release(List.of(ref(leases.get(2))));
    assertThat(leaseKeys()).as("one lease is still live").isNotEmpty();
    broker.complete(List.of(new Completion(ref(leases.get(3)), "1")));
    assertThat(leaseKeys()).isEmpty();
  }

  @Test
  void theRunningQueryListsTheLeasedJobsOfEachBatchButNotTheEndedOnes() {
    List<Lease> first = enqueueAndLease(2);
    List<Lease> second = enqueueAndLease(2);
    broker.complete(List.of(new Completion(ref(first.get(0)), null)));

    List<String> running =
        broker.query(JobQuery.all().states(JobState.RUNNING)).stream()
            .map(JobRecord::id)
            .sorted()
            .toList();
    assertThat(running)
        .containsExactlyInAnyOrder(
            first.get(1).job().id(), second.get(0).job().id(), second.get(1).job().id());
  }

  @Test
  void aSucceededJobHasStartedAndNoLeaseExpiry() {
    Lease lease = enqueueAndLease(1).get(0);
    broker.complete(List.of(new Completion(ref(lease), null)));
    JobRecord done = broker.get(lease.job().id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.started()).isTrue();
    assertThat(done.leaseExpiresAt()).isNull();
  }

  @Test
  void pruneDeletesTheSuccessesOfACompletionBatchAndThenTheBatch() {
    List<Lease> leases = enqueueAndLease(3);
    broker.complete(leases.stream().map(l -> new Completion(ref(l), null)).toList());
    broker.delete(leases.get(1).job().id()); // leaves its id in the batch's list
    assertThat(broker.query(JobQuery.all().states(JobState.SUCCEEDED)))
        .extracting(JobRecord::id)
        .containsExactlyInAnyOrder(leases.get(0).job().id(), leases.get(2).job().id());
    assertThat(broker.prune(Duration.ofHours(1))).isZero();

    clock.advance(Duration.ofHours(2));
    assertThat(broker.prune(Duration.ofHours(1))).isEqualTo(2);
    assertThat(broker.query(JobQuery.all().states(JobState.SUCCEEDED))).isEmpty();
    List<String> left = raw((r, prefix) -> r.keys("{" + prefix + "}:fb*"));
    assertThat(left).containsExactly("{" + redisPrefix() + "}:fbn");
    assertThat(broker.stats())
        .allSatisfy(s -> assertThat(s.counts().getOrDefault(JobState.SUCCEEDED, 0L)).isZero());
  }

  private JobState state(Lease l) {
    return broker.get(l.job().id()).orElseThrow().state();
  }

  /** This prefix's lease-set entries, batch id lists and live counts. */
  private List<String> leaseKeys() {
    return raw(
        (r, prefix) -> {
          String tag = "{" + prefix + "}";
          List<String> keys = new ArrayList<>(r.keys(tag + ":lb:*"));
          keys.addAll(r.zrange(tag + ":l", 0, -1));
          keys.addAll(r.hkeys(tag + ":ln"));
          return keys;
        });
  }

  /** The raw {@code qp:q1} hash: task to how many of its QUEUED jobs are parked. */
  private Map<String, String> parkedByTask() {
    return raw((r, prefix) -> r.hgetall("{" + prefix + "}:qp:" + Q));
  }

  private String redisPrefix() {
    return url.substring(url.indexOf("prefix=") + "prefix=".length());
  }

  /** Runs {@code read} on a plain connection, with this test's prefix. */
  private <T> T raw(BiFunction<RedisCommands<String, String>, String, T> read) {
    String prefix = redisPrefix();
    RedisClient client = RedisClient.create(TestRedis.url(prefix).replaceAll("\\?.*", ""));
    try (var c = client.connect()) {
      return read.apply(c.sync(), prefix);
    } finally {
      client.shutdown();
    }
  }

  /** queuedTasks and each queue's QUEUED and leased counts, against the jobs themselves. */
  private void assertCountsMatchJobs() {
    Map<String, Map<String, Long>> byQueue = new TreeMap<>();
    for (JobRecord j : jobs(JobState.QUEUED)) {
      byQueue.computeIfAbsent(j.queue(), q -> new TreeMap<>()).merge(j.task(), 1L, Long::sum);
    }
    List<TaskCount> expected = new ArrayList<>();
    byQueue.forEach((q, tasks) -> tasks.forEach((t, n) -> expected.add(new TaskCount(q, t, n))));
    assertThat(broker.queuedTasks()).containsExactlyElementsOf(expected);

    List<JobRecord> running = jobs(JobState.RUNNING);
    for (QueueStats s : broker.stats()) {
      long waiting =
          running.stream().filter(j -> j.queue().equals(s.queue()) && !j.started()).count();
      assertThat(s.leased()).as("leased in %s", s.queue()).isEqualTo(waiting);
      long queued =
          expected.stream()
              .filter(c -> c.queue().equals(s.queue()))
              .mapToLong(TaskCount::queued)
              .sum();
      assertThat(s.count(JobState.QUEUED)).as("queued in %s", s.queue()).isEqualTo(queued);
    }
  }

  private List<JobRecord> jobs(JobState state) {
    return broker.query(JobQuery.all().states(state).page(JobQuery.MAX_LIMIT, 0));
  }
}
