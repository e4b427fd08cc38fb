package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.ScheduleRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker handles on one prefix, raced by real threads (as two worker hosts would be), on the
 * server's clock: leases never overlap, a unique key holds, a concurrency limit is never exceeded,
 * a chord calls back once, a schedule tick enqueues one job.
 */
class RedisMultiHandleTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("multi");
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final int THREADS_PER_HANDLE = 3;

  private Broker a;
  private Broker b;
  private ExecutorService threads;

  @BeforeEach
  void openTwoHandles() {
    String url = redis.nextUrl();
    a = Brokers.open(url);
    b = Brokers.open(url);
    threads = Executors.newFixedThreadPool(2 * THREADS_PER_HANDLE);
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    a.close();
    b.close();
  }

  /** Runs {@code work(handle, n)} on every thread, all released at once; waits for all. */
  private void race(Task work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < 2 * THREADS_PER_HANDLE; i++) {
      Broker handle = i % 2 == 0 ? a : b;
      int n = i;
      done.add(
          threads.submit(
              () -> {
                start.await();
                work.run(handle, n);
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get();
    }
  }

  private interface Task {
    void run(Broker handle, int thread) throws Exception;
  }

  @Test
  void leasesNeverOverlap() throws Exception {
    int jobs = 6_000;
    for (int i = 0; i < jobs; i += 1_000) {
      List<JobRecord> batch = new ArrayList<>();
      for (int k = 0; k < 1_000; k++) {
        batch.add(TestRedis.job("t").build());
      }
      a.enqueue(batch);
    }
    Set<String> leased = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    race(
        (handle, n) -> {
          List<Lease> got;
          while (!(got = handle.lease(new LeaseRequest(List.of("default"), 40, "w" + n, LEASE)))
              .isEmpty()) {
            for (Lease l : got) {
              if (!leased.add(l.job().id())) {
                twice.incrementAndGet();
              }
            }
          }
        });
    assertThat(twice).as("jobs leased twice").hasValue(0);
    assertThat(leased).hasSize(jobs);
  }

  @Test
  void aUniqueKeyHoldsAcrossHandles() throws Exception {
    race(
        (handle, n) -> {
          for (int i = 0; i < 50; i++) {
            handle.enqueue(List.of(TestRedis.job("t").uniqueKey("only-one").build()));
          }
        });
    assertThat(a.query(JobQuery.all().states(JobState.QUEUED))).hasSize(1);
  }

  @Test
  void aConcurrencyLimitIsNeverExceeded() throws Exception {
    int limit = 3;
    List<JobRecord> batch = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      batch.add(TestRedis.job("t").concurrencyKey("tenant").concurrencyLimit(limit).build());
    }
    a.enqueue(batch);
    AtomicInteger held = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    race(
        (handle, n) -> {
          while (completed.get() < 300) {
            List<Lease> got =
                handle.lease(new LeaseRequest(List.of("default"), 10, "w" + n, LEASE));
            int now = held.addAndGet(got.size());
            most.accumulateAndGet(now, Math::max);
            held.addAndGet(-got.size()); // before the broker frees them: never counts too many
            for (Lease l : got) {
              handle.complete(new Completion(l.ref(), null));
              completed.incrementAndGet();
            }
          }
        });
    assertThat(most.get()).as("most leases held at once").isBetween(1, limit);
    assertThat(a.stats().get(0).count(JobState.SUCCEEDED)).isEqualTo(300);
  }

  @Test
  void aChordCallsBackOnceWhenItsLastMembersFinishOnTwoHandles() throws Exception {
    int rounds = 30;
    for (int r = 0; r < rounds; r++) {
      String groupId = "g-" + r;
      JobTemplate callback =
          new JobTemplate(
              "cb-" + r, "cb", "callbacks", 0, 1, null, null, null, null, 0, null, 0, null);
      List<JobRecord> members =
          List.of(
              TestRedis.job("m").groupId(groupId).groupIndex(0).build(),
              TestRedis.job("m").groupId(groupId).groupIndex(1).build());
      a.enqueueGroup(GroupRecord.of(groupId, 2, callback), members);
      List<Lease> both = a.lease(new LeaseRequest(List.of("default"), 2, "w", LEASE));
      assertThat(both).hasSize(2);
      CountDownLatch start = new CountDownLatch(1);
      Future<?> one =
          threads.submit(
              () -> {
                start.await();
                return a.complete(List.of(new Completion(both.get(0).ref(), "1")));
              });
      Future<?> two =
          threads.submit(
              () -> {
                start.await();
                return b.complete(List.of(new Completion(both.get(1).ref(), "2")));
              });
      start.countDown();
      one.get();
      two.get();
    }
    List<JobRecord> callbacks =
        a.query(JobQuery.all().queue("callbacks").page(JobQuery.MAX_LIMIT, 0));
    assertThat(callbacks).hasSize(rounds).allMatch(j -> j.input().equals("[1,2]"));
    assertThat(a.stats().stream().filter(s -> s.queue().equals("callbacks")).findFirst())
        .hasValueSatisfying(s -> assertThat(s.count(JobState.QUEUED)).isEqualTo(rounds));
  }

  @Test
  void aScheduleTickEnqueuesOneJobWhoeverClaimsIt() throws Exception {
    Instant first = Instant.parse("2030-01-01T00:00:00Z");
    race(
        (handle, n) -> {
          for (int t = 0; t < 20; t++) {
            Instant tick = first.plusSeconds(60L * t);
            ScheduleRecord s =
                new ScheduleRecord(
                    "every-minute", "* * * * *", ZoneId.of("UTC"), "tick", "cron", null, tick);
            handle.claimTick(s, tick, TestRedis.job("tick").queue("cron").build());
          }
        });
    assertThat(a.query(JobQuery.all().queue("cron").page(JobQuery.MAX_LIMIT, 0))).hasSize(20);
    assertThat(a.schedules())
        .singleElement()
        .satisfies(s -> assertThat(s.lastTick()).isEqualTo(first.plusSeconds(60L * 19)));
  }
}
