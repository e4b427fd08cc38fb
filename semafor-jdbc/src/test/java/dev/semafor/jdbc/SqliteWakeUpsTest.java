package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.jdbc.it.EnqueueMain;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.LeaseRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's {@link Broker#awaitWork}: an idle worker's handle is woken by a commit from another
 * handle on the same file, in this process or another one, through the sockets beside the file
 * ({@link SqliteWakeUps}); with nothing committed it waits out its timeout.
 */
class SqliteWakeUpsTest {
  /** Longer than any test may take: a wait that ends early was woken, not timed out. */
  private static final Duration FOREVER = Duration.ofHours(1);

  private static final List<String> QUEUES = List.of("wake");

  @TempDir Path dir;
  private Path file;
  private Broker waiter;
  private Broker producer;

  @BeforeEach
  void open() throws InterruptedException {
    file = dir.resolve("wake.db");
    waiter = Brokers.open("sqlite:" + file);
    producer = Brokers.open("sqlite:" + file);
    waiter.awaitWork(QUEUES, Duration.ofMillis(1)); // the first wait listens
  }

  @AfterEach
  void close() {
    waiter.close();
    producer.close();
  }

  @Test
  void anEnqueueFromAnotherHandleEndsTheWait() throws Exception {
    CompletableFuture<Long> waited = waitInBackground(FOREVER);

    producer.enqueue(job());

    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
  }

  @Test
  void anEnqueueFromAnotherProcessEndsTheWait() throws Exception {
    CompletableFuture<Long> waited = waitInBackground(FOREVER);

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                EnqueueMain.class.getName(),
                "sqlite:" + file,
                "wake")
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();

    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
    assertThat(waiter.get(out.strip())).isPresent();
  }

  @Test
  void aCommitBetweenAnEmptyLeaseAndTheWaitEndsTheWait() throws Exception {
    assertThat(waiter.lease(new LeaseRequest(QUEUES, 10, "w", Duration.ofMinutes(1)))).isEmpty();
    producer.enqueue(job());

    assertThat(timed(() -> waiter.awaitWork(QUEUES, FOREVER))).isLessThan(FOREVER.toNanos());
  }

  @Test
  void withNothingCommittedTheWaitTimesOut() throws Exception {
    Duration timeout = Duration.ofMillis(200);

    assertThat(timed(() -> waiter.awaitWork(QUEUES, timeout)))
        .isGreaterThanOrEqualTo(timeout.toNanos());
  }

  @Test
  void aSocketLeftByADeadProcessIsDeletedByTheNextCommit() throws Exception {
    Path stale = SqliteWakeUps.folderOf(file).resolve("999999-dead.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(stale)); // closing leaves the file, as a kill would
    }
    assertThat(stale).exists();

    producer.enqueue(job());

    assertThat(stale).doesNotExist();
  }

  @Test
  void withNoFolderACommitStillSucceedsAndMakesNone() throws Exception {
    Path other = dir.resolve("alone.db");
    try (Broker alone = Brokers.open("sqlite:" + other)) {
      alone.enqueue(List.of(Jobs.queued("semafor.noop", InstantSource.system()).build()));

      assertThat(SqliteWakeUps.folderOf(other)).doesNotExist();
    }
  }

  @Test
  void aWaiterWhoseSocketWasDeletedListensAnewAtItsNextWait() throws Exception {
    for (Path socket : sockets()) {
      Files.delete(socket);
    }
    waiter.awaitWork(QUEUES, Duration.ofMillis(1));
    CompletableFuture<Long> waited = waitInBackground(FOREVER);

    producer.enqueue(job());

    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
  }

  @Test
  void closingTheBrokerEndsTheWaitAndRemovesItsSocket() throws Exception {
    Broker closing = Brokers.open("sqlite:" + file);
    closing.awaitWork(QUEUES, Duration.ofMillis(1));
    assertThat(sockets()).hasSize(2);
    CompletableFuture<Long> waited = waitInBackground(closing, FOREVER);

    closing.close();

    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
    assertThat(sockets()).hasSize(1);
  }

  private List<Path> sockets() throws IOException {
    try (var sockets = Files.list(SqliteWakeUps.folderOf(file))) {
      return sockets.toList();
    }
  }

  private static List<dev.semafor.spi.JobRecord> job() {
    return List.of(Jobs.queued("semafor.noop", InstantSource.system()).queue("wake").build());
  }

  @Test
  void anInMemoryDatabaseWakesWaitersOfItsOwnHandle() throws Exception {
    try (Broker memory = Brokers.open("sqlite::memory:")) {
      memory.lease(new LeaseRequest(QUEUES, 1, "w", Duration.ofMinutes(1)));
      CompletableFuture<Long> waited = waitInBackground(memory, FOREVER);

      memory.enqueue(job());

      assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(FOREVER.toNanos());
    }
  }

  private CompletableFuture<Long> waitInBackground(Duration timeout) {
    return waitInBackground(waiter, timeout);
  }

  /** Waits on another thread; completes with the nanoseconds the wait took. */
  private static CompletableFuture<Long> waitInBackground(Broker broker, Duration timeout) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                done.complete(timed(() -> broker.awaitWork(QUEUES, timeout)));
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            });
    return done;
  }

  private static long timed(Wait wait) throws InterruptedException, IOException {
    long t0 = System.nanoTime();
    wait.run();
    return System.nanoTime() - t0;
  }

  @FunctionalInterface
  private interface Wait {
    void run() throws InterruptedException, IOException;
  }
}
