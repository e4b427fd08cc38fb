package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite broker's own behaviour, beyond the shared contract. */
class SqliteBrokerTest {
  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private Path file;
  private Broker broker;

  @BeforeEach
  void open() {
    file = dir.resolve("semafor.db");
    broker = Brokers.open("sqlite:" + file, clock);
  }

  @AfterEach
  void close() {
    broker.close();
  }

  @Test
  void leaseTakesQueuesInOrderThenHigherPriorityThenOlderFirst() {
    JobRecord lowA = enqueue(Jobs.queued("t", clock).queue("a"));
    JobRecord highA = enqueue(Jobs.queued("t", clock).queue("a").priority(9));
    JobRecord firstB = enqueue(Jobs.queued("t", clock).queue("b"));
    clock.advance(Duration.ofMillis(1));
    JobRecord secondB = enqueue(Jobs.queued("t", clock).queue("b"));
    JobRecord urgentB = enqueue(Jobs.queued("t", clock).queue("b").priority(1));

    assertThat(ids(lease(10, "b", "a")))
        .containsExactly(urgentB.id(), firstB.id(), secondB.id(), highA.id(), lowA.id());
  }

  @Test
  void reopeningTheFileFindsEveryJobAsItWasAndLeasesStillHeld() {
    JobRecord waiting = enqueue(Jobs.queued("waiting", clock));
    JobRecord later =
        enqueue(Jobs.queued("later", clock).runAt(clock.instant().plus(Duration.ofHours(1))));
    List<Lease> leased = lease(1, "default");
    JobRecord running = enqueue(Jobs.queued("running", clock).queue("r"));
    Lease held = lease(1, "r").get(0);
    JobRecord succeeded = enqueue(Jobs.queued("ok", clock).queue("s"));
    broker.complete(List.of(new Completion(lease(1, "s").get(0).ref(), "{\"n\":1}")));
    JobRecord dead = enqueue(Jobs.queued("dead", clock).queue("d"));
    JobError error = JobError.of(new IllegalStateException("boom"));
    broker.fail(List.of(Failure.dead(lease(1, "d").get(0).ref(), error)));
    broker.release(List.of(leased.get(0).ref()));
    List<JobRecord> before = new ArrayList<>();
    for (JobRecord job : List.of(waiting, later, running, succeeded, dead)) {
      before.add(broker.get(job.id()).orElseThrow());
    }
    broker.close();

    broker = Brokers.open("sqlite:" + file, clock);

    for (JobRecord was : before) {
      assertThat(broker.get(was.id())).contains(was);
    }
    assertThat(broker.get(dead.id()).orElseThrow().error()).isEqualTo(error);
    assertThat(broker.complete(List.of(new Completion(held.ref(), "1")))).containsExactly(true);
  }

  @Test
  void closingTheLastBrokerFoldsTheLogBackIntoTheFile() {
    broker.enqueue(Jobs.queued("t", 100, clock));
    assertThat(Path.of(file + "-wal")).exists();

    broker.close();

    assertThat(Path.of(file + "-wal")).doesNotExist();
    assertThat(Path.of(file + "-shm")).doesNotExist();
  }

  @Test
  void callsAfterCloseFailSayingTheBrokerIsClosed() {
    broker.close();

    assertThatThrownBy(() -> lease(1, "default"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> broker.get("x")).isInstanceOf(BrokerUnavailableException.class);
  }

  @Test
  void aConcurrencyLimitHoldsWithinABatchAndAcrossBatches() {
    List<JobRecord> limited = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      limited.add(
          enqueue(
              Jobs.queued("smtp", clock).priority(5).concurrencyKey("smtp").concurrencyLimit(2)));
    }
    List<JobRecord> free = broker.enqueue(Jobs.queued("free", 3, clock));

    List<Lease> first = lease(10, "default");

    assertThat(ids(first))
        .containsExactly(
            limited.get(0).id(),
            limited.get(1).id(),
            free.get(0).id(),
            free.get(1).id(),
            free.get(2).id());
    assertThat(lease(10, "default")).isEmpty();
    broker.complete(List.of(new Completion(first.get(0).ref(), "null")));
    assertThat(ids(lease(10, "default"))).containsExactly(limited.get(2).id());
  }

  @Test
  void jobsBlockedByTheirConcurrencyLimitDoNotStarveTheJobsBehindThem() {
    for (int i = 0; i < 600; i++) {
      enqueue(Jobs.queued("serial", clock).priority(1).concurrencyKey("one").concurrencyLimit(1));
    }
    List<JobRecord> behind = broker.enqueue(Jobs.queued("free", 4, clock));

    List<Lease> leases = lease(5, "default");

    assertThat(leases).hasSize(5);
    assertThat(leases.get(0).job().concurrencyKey()).isEqualTo("one");
    assertThat(ids(leases.subList(1, 5))).containsExactlyElementsOf(ids(behind));
  }

  @Test
  void pruneDeletesEveryOldFinishedJobInChunksAndKeepsTheRest() {
    int finished = 25_000;
    for (int i = 0; i < finished; i += 5_000) {
      broker.enqueue(Jobs.queued("done", 5_000, clock));
      List<Completion> done = new ArrayList<>();
      for (Lease lease : lease(5_000, "default")) {
        done.add(new Completion(lease.ref(), "null"));
      }
      broker.complete(done);
    }
    List<JobRecord> waiting = broker.enqueue(Jobs.queued("waiting", 3, clock));
    clock.advance(Duration.ofDays(8));

    assertThat(broker.prune(Duration.ofDays(7))).isEqualTo(finished);

    assertThat(broker.stats().get(0).total()).isEqualTo(3);
    assertThat(ids(lease(10, "default"))).containsExactlyElementsOf(ids(waiting));
  }

  @Test
  void reapingRecordsThatTheLeaseExpiredAndWhichWorkerHeldIt() {
    JobRecord job = enqueue(Jobs.queued("t", clock));
    Lease lease =
        broker.lease(new LeaseRequest(List.of("default"), 1, "w-42", Duration.ofSeconds(5))).get(0);
    clock.set(lease.expiresAt().plusMillis(1));

    assertThat(broker.reapExpiredLeases()).isEqualTo(1);

    JobRecord reaped = broker.get(job.id()).orElseThrow();
    assertThat(reaped.state()).isEqualTo(JobState.QUEUED);
    assertThat(reaped.error().type()).isEqualTo("dev.semafor.LeaseExpired");
    assertThat(reaped.error().message()).contains("w-42").contains(lease.expiresAt().toString());
  }

  @Test
  void aTokenThisBrokerDidNotIssueIsRejectedLikeAStaleOne() {
    JobRecord job = enqueue(Jobs.queued("t", clock));
    Lease lease = lease(1, "default").get(0);

    for (String bogus : List.of("", "x", "x.", "x.notanumber", lease.token() + "0", "1")) {
      LeaseRef ref = new LeaseRef(job.id(), bogus);
      assertThat(broker.complete(List.of(new Completion(ref, "1"))))
          .as(bogus)
          .containsExactly(false);
    }
    assertThat(broker.complete(List.of(new Completion(new LeaseRef("other", lease.token()), "1"))))
        .containsExactly(false);
    assertThat(broker.complete(List.of(new Completion(lease.ref(), "1")))).containsExactly(true);
  }

  @Test
  void aJobForNowFromAProducerWhoseClockRunsAheadIsQueuedAtOnce() {
    InstantSource ahead = () -> clock.instant().plusSeconds(30);
    JobRecord now = Jobs.queued("t", ahead).build();
    JobRecord delayed = Jobs.queued("t", ahead).runAt(ahead.instant().plusSeconds(60)).build();

    List<JobRecord> stored = broker.enqueue(List.of(now, delayed));

    assertThat(stored.get(0).state()).isEqualTo(JobState.QUEUED);
    assertThat(stored.get(0).runAt()).isEqualTo(clock.instant());
    assertThat(broker.get(now.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(stored.get(1).state())
        .as("a delayed job keeps its producer's run-at, skew and all")
        .isEqualTo(JobState.SCHEDULED);
    assertThat(stored.get(1).runAt()).isEqualTo(clock.instant().plusSeconds(90));
    assertThat(ids(lease(2, "default"))).containsExactly(now.id());
  }

  @Test
  void enqueueStoresTimesToTheMillisecondAndTheStateTheRunAtImplies() {
    Instant withMicros = clock.instant().plusNanos(1_234_567);
    JobRecord queuedForLater =
        Jobs.queued("t", clock).runAt(withMicros.plus(Duration.ofMinutes(1))).build();
    JobRecord scheduledButDue =
        Jobs.queued("t", clock).state(JobState.SCHEDULED).enqueuedAt(withMicros).build();

    List<JobRecord> stored = broker.enqueue(List.of(queuedForLater, scheduledButDue));

    assertThat(stored.get(0).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(stored.get(0).runAt()).isEqualTo(clock.instant().plusMillis(60_001));
    assertThat(stored.get(1).state()).isEqualTo(JobState.QUEUED);
    assertThat(stored.get(1).enqueuedAt()).isEqualTo(clock.instant().plusMillis(1));
    for (JobRecord job : stored) {
      assertThat(broker.get(job.id())).contains(job);
    }
  }

  @Test
  void anInMemoryDatabaseServesReadsAndWritesOnItsOneConnection() {
    try (Broker memory = Brokers.open("sqlite::memory:", clock)) {
      JobRecord job = memory.enqueue(Jobs.queued("t", 1, clock)).get(0);
      Lease lease =
          memory.lease(new LeaseRequest(List.of("default"), 1, "w", Duration.ofSeconds(9))).get(0);
      memory.complete(List.of(new Completion(lease.ref(), "2")));

      assertThat(memory.describe()).isEqualTo("sqlite::memory:");
      assertThat(memory.get(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void aBatchCompletesLeasesThatShareAResultTogetherAndEachOnItsOwnTerms() {
    broker.enqueue(Jobs.queued("t", 12, clock));
    List<Lease> leases = lease(12, "default");
    assertThat(leases).hasSize(12);
    List<Completion> completions = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      LeaseRef ref = leases.get(i).ref();
      if (i == 2) {
        ref =
            new LeaseRef(
                ref.jobId(), "stale." + Leasing.rowOf(ref)); // names the row, not the lease
      }
      String result = i < 6 ? "null" : i < 8 ? "{\"n\":" + i + "}" : null;
      completions.add(new Completion(ref, result));
    }

    List<Boolean> applied = broker.complete(completions);

    for (int i = 0; i < 12; i++) {
      JobRecord job = broker.get(leases.get(i).job().id()).orElseThrow();
      assertThat(applied.get(i)).as("applied %d", i).isEqualTo(i != 2);
      assertThat(job.state())
          .as("job %d", i)
          .isEqualTo(i == 2 ? JobState.RUNNING : JobState.SUCCEEDED);
      if (i != 2) {
        assertThat(job.result()).as("result %d", i).isEqualTo(completions.get(i).result());
      }
    }
  }

  @Test
  void aLeaseGivenWithAnotherJobsIdCompletesNothingWhileTheRestOfTheBatchDoes() {
    broker.enqueue(Jobs.queued("t", 6, clock));
    List<Lease> leases = lease(6, "default");
    List<Completion> completions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      LeaseRef ref = leases.get(i).ref();
      String id = i == 0 ? leases.get(1).job().id() : ref.jobId(); // job 1's id, job 0's token
      completions.add(new Completion(new LeaseRef(id, ref.token()), "null"));
    }

    assertThat(broker.complete(completions)).containsExactly(false, true, true, true, true, true);
    assertThat(broker.get(leases.get(0).job().id()).orElseThrow().state())
        .isEqualTo(JobState.RUNNING);
    assertThat(broker.get(leases.get(1).job().id()).orElseThrow().state())
        .isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aLeaseListedTwiceInABatchThatSharesAResultIsCompletedOnce() {
    broker.enqueue(Jobs.queued("t", 5, clock));
    List<Lease> leases = lease(5, "default");
    List<Completion> completions = new ArrayList<>();
    for (Lease lease : leases) {
      completions.add(new Completion(lease.ref(), "null"));
    }
    completions.add(new Completion(leases.get(2).ref(), "null"));

    assertThat(broker.complete(completions)).containsExactly(true, true, true, true, true, false);
    for (Lease lease : leases) {
      assertThat(broker.get(lease.job().id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void aBatchWhoseResultsDifferCompletesEachSharedResultTogetherAndTheRestOneByOne() {
    // Two results of four leases each (one statement each), two more results alone (one
    // statement each), and a lease already completed: every outcome in its place, in order.
    broker.enqueue(Jobs.queued("t", 11, clock));
    List<Lease> leases = lease(11, "default");
    String[] results = {"1", "2", "1", "2", "1", "3", "2", "1", "2", "4", "\"five\""};
    broker.complete(List.of(new Completion(leases.get(10).ref(), results[10])));
    List<Completion> completions = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      completions.add(new Completion(leases.get(i).ref(), results[i]));
    }

    assertThat(broker.complete(completions))
        .containsExactly(true, true, true, true, true, true, true, true, true, true, false);
    for (int i = 0; i < 11; i++) {
      JobRecord job = broker.get(leases.get(i).job().id()).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(job.result()).as("job %d", i).isEqualTo(results[i]);
    }
  }

  @Test
  void aBatchOfTwoSharedResultsIsCompletedWholeInOrder() {
    broker.enqueue(Jobs.queued("t", 8, clock));
    List<Lease> leases = lease(8, "default");
    List<Completion> completions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      completions.add(new Completion(leases.get(i).ref(), i % 2 == 0 ? "\"a\"" : "\"b\""));
    }

    List<Boolean> applied = broker.complete(completions);

    assertThat(applied).hasSize(8).containsOnly(true);
    applied.set(0, false); // the caller's own list, as before
    for (int i = 0; i < 8; i++) {
      assertThat(broker.get(leases.get(i).job().id()).orElseThrow().result())
          .isEqualTo(i % 2 == 0 ? "\"a\"" : "\"b\"");
    }
  }

  @Test
  void aTokenWithATabCannotPassForAnotherTokenAndJobIdInABatchThatSharesAResult() {
    // Completions that share a result are matched on "token<TAB>job id" in one statement; a token
    // of the caller's own with a tab in it could otherwise pair with the tail of a job id.
    broker.enqueue(List.of(Jobs.queued("t", clock).id("x.1\tb").build()));
    broker.enqueue(Jobs.queued("t", 4, clock));
    List<Lease> leases = lease(5, "default");
    assertThat(ids(leases).getLast()).isEqualTo("x.1\tb"); // last in id order
    assertThat(Leasing.rowOf(leases.getLast().ref())).isEqualTo(1);
    List<Completion> completions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      LeaseRef ref = leases.get(i).ref();
      if (i == 4) {
        ref = new LeaseRef("b", ref.token() + "\tx.1"); // names row 1, and pairs as its lease
      }
      completions.add(new Completion(ref, "null"));
    }

    assertThat(broker.complete(completions)).containsExactly(true, true, true, true, false);
    assertThat(broker.get("x.1\tb").orElseThrow().state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void leasedRecordsReadAfterTheCommitComeInLeaseOrderAndLeaveOutRowsUnderAnotherToken()
      throws Exception {
    broker.enqueue(Jobs.queued("t", 3, clock));
    List<Lease> leases = lease(3, "default");
    String token = leases.get(0).token();
    String prefix = token.substring(0, token.lastIndexOf('.') + 1);
    long[] reversed = {
      Leasing.rowOf(leases.get(2).ref()),
      Leasing.rowOf(leases.get(1).ref()),
      Leasing.rowOf(leases.get(0).ref())
    };
    Instant expires = leases.get(0).expiresAt();
    Instant started = leases.get(0).job().startedAt();
    SqliteDialect dialect = new SqliteDialect(SqliteLocation.parse(file.toString()));
    try (Session reader = new Session(dialect.connect(Dialect.Role.READER))) {
      Leasing leasing = new Leasing(dialect);

      List<Lease> read =
          leasing.records(
              reader,
              new Leasing.Taken(List.of(), reversed, "w", prefix, started, expires, null, null));
      List<Lease> known =
          leasing.records(
              reader,
              new Leasing.Taken(
                  List.of(), reversed, "w", prefix, started, expires, "default", "t"));
      List<Lease> foreign =
          leasing.records(
              reader,
              new Leasing.Taken(List.of(), reversed, "w", "other.", started, expires, null, null));

      assertThat(read).containsExactly(leases.get(2), leases.get(1), leases.get(0));
      assertThat(known).as("the queue and task given, not read").isEqualTo(read);
      assertThat(foreign).isEmpty();
    } finally {
      dialect.close();
    }
  }

  @Test
  void aLeaseWhoseRecordsCannotBeReadFailsAndItsJobsComeBackWhenTheLeaseExpires() {
    AtomicBoolean readsFail = new AtomicBoolean();
    FaultyDialect dialect =
        new FaultyDialect(
            new SqliteDialect(SqliteLocation.parse(dir + "/faulty.db")),
            (role, method) ->
                readsFail.get() && role == Dialect.Role.READER && method.equals("prepareStatement")
                    ? new SQLException("the reader failed")
                    : null);
    LeaseRequest request = new LeaseRequest(List.of("default"), 5, "w", Duration.ofSeconds(30));
    try (JdbcBroker faulty = JdbcBroker.open(dialect, clock)) {
      assertThat(faulty.lease(request)).as("prepares the look before a lease").isEmpty();
      JobRecord job = faulty.enqueue(List.of(Jobs.queued("t", clock).build())).get(0);
      readsFail.set(true); // the look's statements are prepared: only the records' read fails

      assertThatThrownBy(() -> faulty.lease(request))
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining("the reader failed");

      readsFail.set(false);
      assertThat(faulty.get(job.id()).orElseThrow().state())
          .as("the lease was committed")
          .isEqualTo(JobState.RUNNING);
      clock.advance(Duration.ofSeconds(31));
      assertThat(faulty.reapExpiredLeases()).isEqualTo(1);
      assertThat(ids(faulty.lease(request))).containsExactly(job.id());
    }
  }

  @Test
  void aLeaseOfTheQueuesOfOneThatTookAllItAskedForSkipsTheLookAndOneAfterFewerLooksAgain() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    FaultyDialect dialect =
        new FaultyDialect(
            new SqliteDialect(SqliteLocation.parse(dir + "/hint.db")),
            (role, method) -> {
              if (method.equals("PreparedStatement.executeQuery") && role == Dialect.Role.READER) {
                reads.incrementAndGet();
              } else if (method.startsWith("PreparedStatement.execute")
                  && role == Dialect.Role.WRITER) {
                writes.incrementAndGet();
              }
              return null;
            });
    LeaseRequest two = new LeaseRequest(List.of("default"), 2, "w", Duration.ofSeconds(30));
    try (JdbcBroker hinted = JdbcBroker.open(dialect, clock)) {
      hinted.enqueue(Jobs.queued("t", 3, clock));
      reads.set(0);
      assertThat(hinted.lease(two)).as("all it asked for").hasSize(2);
      assertThat(reads.getAndSet(0)).as("due? queued? then the records").isEqualTo(3);

      LeaseRequest other = new LeaseRequest(List.of("other"), 2, "w", Duration.ofSeconds(30));
      assertThat(hinted.lease(other)).isEmpty();
      assertThat(reads.getAndSet(0)).as("another queue: a look").isEqualTo(2);

      assertThat(hinted.lease(two)).as("the one left").hasSize(1);
      assertThat(reads.getAndSet(0)).as("no look after a lease that took all it asked for").isOne();

      writes.set(0);
      assertThat(hinted.lease(two)).isEmpty();
      assertThat(reads.get()).as("a look after a lease that took fewer").isEqualTo(2);
      assertThat(writes.get()).as("which found nothing: no write transaction").isZero();
    }
  }

  private JobRecord enqueue(JobRecord.Builder job) {
    return broker.enqueue(List.of(job.build())).get(0);
  }

  private List<Lease> lease(int max, String... queues) {
    return broker.lease(new LeaseRequest(List.of(queues), max, "w", Duration.ofSeconds(30)));
  }

  private static List<String> ids(List<?> items) {
    return items.stream()
        .map(i -> i instanceof Lease l ? l.job().id() : ((JobRecord) i).id())
        .toList();
  }
}
