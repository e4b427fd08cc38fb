package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/** Writes that wait for the writer together commit together, and fail alone. */
class WriteCombinerTest {
  @TempDir Path dir;
  private final AtomicInteger commits = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private SqliteDialect dialect;
  private Session writer;
  private Session reader;
  private SessionPool pool;
  private WriteCombiner combiner;

  @BeforeEach
  void open() throws SQLException {
    dialect = new SqliteDialect(SqliteLocation.parse(dir + "/c.db"));
    writer = new Session(dialect.connect(Dialect.Role.WRITER));
    writer.execute("CREATE TABLE t (v TEXT PRIMARY KEY)");
    writer.connection().unwrap(SQLiteConnection.class).addCommitListener(new Counter());
    reader = new Session(dialect.connect(Dialect.Role.READER));
    pool = new SessionPool("test", List.of(writer));
    combiner = new WriteCombiner(pool, WriteTransactions.statements("BEGIN IMMEDIATE"));
  }

  @AfterEach
  void close() throws SQLException {
    threads.shutdownNow();
    pool.close();
    reader.close();
    dialect.close();
  }

  @Test
  void writesQueuedBehindABusyWriterCommitAsOneGroupAndAFailingOneFailsAlone() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first =
        threads.submit(
            () ->
                combiner.write(
                    s -> {
                      holding.countDown();
                      awaitUninterruptibly(release);
                      return insert(s, "first");
                    }));
    holding.await();
    List<Future<Integer>> queued = new ArrayList<>();
    for (String v : List.of("a", "b", "first", "c")) { // "first" breaks the primary key
      queued.add(threads.submit(() -> combiner.write(s -> insert(s, v))));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> combiner.pending() == 4);

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    for (int i : List.of(0, 1, 3)) {
      assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(queued.get(2))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(SQLException.class);
    assertThat(commits.get()).as("one commit for the held write, one for the group").isEqualTo(2);
    assertThat(values()).containsExactly("a", "b", "c", "first");
  }

  @Test
  void aRequestRolledBackToItsSavepointAnnouncesNothingAtTheCommit() throws Exception {
    List<List<String>> announced = new CopyOnWriteArrayList<>();
    WriteTransactions recording =
        new WriteTransactions() {
          @Override
          public void begin(Session s) throws SQLException {
            s.execute("BEGIN IMMEDIATE");
          }

          @Override
          public void commit(Session s) throws SQLException {
            announced.add(List.copyOf(s.announcements()));
            s.forgetAnnouncements();
            s.execute("COMMIT");
          }
        };
    WriteCombiner announcing = new WriteCombiner(pool, recording);
    WriteCombiner.Request<Integer> a = announcing.submit(s -> announceAndInsert(s, "qa", "a"));
    WriteCombiner.Request<Integer> b = announcing.submit(s -> announceAndInsert(s, "qb", "a"));
    WriteCombiner.Request<Integer> c = announcing.submit(s -> announceAndInsert(s, "qc", "c"));

    assertThat(announcing.await(a)).isEqualTo(1); // runs the three as one group
    assertThatThrownBy(() -> announcing.await(b)).isInstanceOf(SQLException.class);
    assertThat(announcing.await(c)).isEqualTo(1);

    assertThat(announced).containsExactly(List.of("qa", "qc"));
  }

  private static int announceAndInsert(Session s, String queue, String v) throws SQLException {
    s.announce(List.of(queue));
    return insert(s, v);
  }

  @Test
  void aWriteAloneThatFailsIsRolledBackAndLaterWritesGoOn() throws Exception {
    combiner.write(s -> insert(s, "x"));

    assertThat(threads.submit(() -> combiner.write(s -> insert(s, "x"))))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(SQLException.class);
    combiner.write(s -> insert(s, "y"));

    assertThat(values()).containsExactly("x", "y");
  }

  @Test
  void aCallerThatReachesTheWriterBeforeOlderRequestsStillRunsItsOwn() throws Exception {
    // A full group's worth of requests queued first, whose callers have yet to reach the writer
    // (they are between queueing and waiting for it), and a caller that queues after them but
    // reaches the writer first: its own request must be in the group it runs.
    List<WriteCombiner.Request<Integer>> older = new ArrayList<>();
    for (int i = 0; i < WriteCombiner.MAX_GROUP; i++) {
      String v = "older-" + i;
      older.add(combiner.submit(s -> insert(s, v)));
    }

    Future<Integer> late = threads.submit(() -> combiner.write(s -> insert(s, "late")));

    assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    for (WriteCombiner.Request<Integer> request : older) {
      assertThat(combiner.await(request)).isEqualTo(1); // their callers reach the writer now
    }
    assertThat(values()).hasSize(WriteCombiner.MAX_GROUP + 1).contains("late");
    assertThat(combiner.pending()).isZero();
  }

  @Test
  void aRequestWhoseCallerFindsTheWritersClosedIsNotLeftQueued() throws Exception {
    pool.close();

    assertThat(threads.submit(() -> combiner.write(s -> insert(s, "x"))))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(dev.semafor.BrokerUnavailableException.class);
    assertThat(combiner.pending()).isZero();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int insert(Session s, String v) throws SQLException {
    PreparedStatement ps = s.prepare("INSERT INTO t (v) VALUES (?)");
    ps.setString(1, v);
    return ps.executeUpdate();
  }

  private List<String> values() throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = reader.prepare("SELECT v FROM t ORDER BY v").executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private final class Counter implements SQLiteCommitListener {
    @Override
    public void onCommit() {
      commits.incrementAndGet();
    }

    @Override
    public void onRollback() {}
  }
}
