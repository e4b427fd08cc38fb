package dev.semafor.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Runs write transactions on the writer connection, combining the writes of threads that are
 * waiting for it into one transaction: a group commit.
 *
 * <h2>Why</h2>
 *
 * SQLite has one writer per file, and a commit (writing the transaction's pages to the log) costs
 * as much as a good part of the work in it. In a worker, the fetcher's leases, the completer's
 * results, the heartbeats and a producer's enqueues all queue for that one writer; run one by one,
 * each pays its own commit and writes the pages it shares with the others (the same index pages,
 * neighbouring rows) again. Combined, they pay one.
 *
 * <h2>How</h2>
 *
 * A caller queues its request and then waits for the writer ({@link SessionPool}, fair). Whoever
 * gets it runs everything queued so far, up to {@link #MAX_GROUP} requests, in one transaction,
 * each request inside a savepoint of its own, and commits once; a caller whose request another
 * thread already ran finds it done and returns at once. Each call keeps its own contract: a request
 * that fails is rolled back to its savepoint alone and fails alone, while the rest commit; a failed
 * {@code BEGIN} or {@code COMMIT} fails the whole group (how a transaction begins and commits is
 * the dialect's: {@link WriteTransactions}). No caller returns before the commit that made its work
 * durable. After a failed group the writer is made ready for the next one, if need be on a new
 * connection ({@link #recover}).
 */
final class WriteCombiner {
  static final int MAX_GROUP = 64;

  private final SessionPool writers;
  private final WriteTransactions transactions;
  private final ConcurrentLinkedQueue<Request<?>> queue = new ConcurrentLinkedQueue<>();

  WriteCombiner(SessionPool writers, WriteTransactions transactions) {
    this.writers = writers;
    this.transactions = transactions;
  }

  /** Runs {@code work} in a write transaction, perhaps with others', and returns its result. */
  <T> T write(SessionPool.SqlWork<T> work) throws SQLException {
    return await(submit(work));
  }

  /** Queues {@code work}; the first half of {@link #write}, apart for tests of the queue. */
  <T> Request<T> submit(SessionPool.SqlWork<T> work) {
    Request<T> mine = new Request<>(work);
    queue.add(mine);
    return mine;
  }

  /**
   * Waits for the writer and runs a group that holds {@code mine} (unless another thread's group
   * has taken it), then returns its outcome: the second half of {@link #write}.
   */
  <T> T await(Request<T> mine) throws SQLException {
    try {
      writers.use(
          s -> {
            runGroup(s, mine);
            return null;
          });
    } catch (SQLException | RuntimeException e) {
      if (queue.remove(mine)) {
        throw e; // never run (the writers are closed), and now never will be
      }
      // another thread's group holds it: its outcome stands
    }
    return mine.outcome();
  }

  /** How many requests wait to be run (for tests). */
  int pending() {
    return queue.size();
  }

  /**
   * Runs {@code mine} (if still queued) and what else is queued, up to {@link #MAX_GROUP}. The
   * caller's own request goes first: callers reach the writer in a different order from the one in
   * which they queued, so a group of the oldest requests could leave out the request of the one
   * caller who is about to wait for it, with no thread left to run it.
   */
  private void runGroup(Session s, Request<?> mine) {
    List<Request<?>> group = new ArrayList<>();
    if (queue.remove(mine)) {
      group.add(mine);
    }
    Request<?> next;
    while (group.size() < MAX_GROUP && (next = queue.poll()) != null) {
      group.add(next);
    }
    if (group.isEmpty()) {
      return; // another thread's group took ours; Request.outcome() waits for it
    }
    boolean savepoints = group.size() > 1;
    try {
      transactions.begin(s);
      for (Request<?> request : group) {
        runOne(s, request, savepoints);
      }
      transactions.commit(s);
      group.forEach(Request::finish);
    } catch (Throwable t) {
      recover(s);
      for (Request<?> request : group) {
        request.finish(t);
      }
    }
  }

  /**
   * Leaves the session outside any transaction after a failed one, so that the next group can begin
   * its own. A failed {@code COMMIT} (a full disk, an I/O error) may leave the transaction open,
   * and the {@code ROLLBACK} may fail too; then every later {@code BEGIN} would fail ("cannot start
   * a transaction within a transaction") and the writer would hold the file's write lock for good.
   * So the statements are dropped, the rollback is tried, and unless a fresh {@code BEGIN} then
   * works the connection is replaced.
   */
  private static void recover(Session s) {
    s.forgetStatements();
    s.forgetAnnouncements();
    try (Statement st = s.connection().createStatement()) {
      try {
        st.execute("ROLLBACK");
      } catch (SQLException noTransaction) {
        // none was active (BEGIN failed, or SQLite rolled back itself); the probe tells
      }
      st.execute("BEGIN");
      st.execute("ROLLBACK");
      return;
    } catch (SQLException stuck) {
      // still inside the failed transaction, or the connection is broken: replace it
    }
    try {
      s.reconnect();
    } catch (SQLException e) {
      // the session reconnects on its next use; that use fails clearly if it still cannot
    }
  }

  /** Runs one request; with savepoints, a failure undoes that request alone and is kept for it. */
  private static void runOne(Session s, Request<?> request, boolean savepoints)
      throws SQLException {
    if (!savepoints) {
      request.run(s); // a failure fails the transaction, which is this request alone
      return;
    }
    s.execute("SAVEPOINT semafor_request");
    int announced = s.announcements().size();
    try {
      request.run(s);
    } catch (SQLException | RuntimeException e) {
      s.forgetStatements(); // a statement that failed half-way is not reliably reusable
      s.forgetAnnouncementsAfter(announced); // undone with the rest of the request
      s.execute("ROLLBACK TO semafor_request");
      request.failed(e);
    }
    s.execute("RELEASE semafor_request");
  }

  /** One caller's work, its result, and the latch its caller waits on. */
  static final class Request<T> {
    private final SessionPool.SqlWork<T> work;
    private final CountDownLatch done = new CountDownLatch(1);

    /** Written by the thread running the group, read by the caller after {@link #done}. */
    private T result;

    private Throwable failure;

    Request(SessionPool.SqlWork<T> work) {
      this.work = work;
    }

    void run(Session s) throws SQLException {
      result = work.run(s);
    }

    /** Keeps the failure of this request's own work (its savepoint was rolled back). */
    void failed(Throwable t) {
      failure = t;
    }

    /** The group committed: the request's result, or its own failure, stands. */
    void finish() {
      done.countDown();
    }

    /** The group failed as a whole. */
    void finish(Throwable t) {
      if (failure == null) {
        failure = t;
      }
      result = null;
      done.countDown();
    }

    T outcome() throws SQLException {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the work may already be committed: wait for the answer
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return switch (failure) {
        case null -> result;
        case SQLException e -> throw e;
        case RuntimeException e -> throw e;
        case Error e -> throw e;
        default -> throw new IllegalStateException("write failed", failure);
      };
    }
  }
}
