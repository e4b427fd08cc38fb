package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Paused queues ({@link dev.semafor.spi.Broker#pauseQueue}): a lease skips a paused queue and still
 * takes the others; enqueue still stores its jobs; jobs already leased finish; a resume gives its
 * jobs back in their place in line and wakes a worker waiting on it; a worker idle on a paused
 * queue that holds jobs waits rather than spinning; stats mark paused queues, including one that
 * holds no job. That other handles on one store see the state is checked by {@link
 * MultiHandleContract}. The wait cases use real threads and wall-clock timeouts, as {@link
 * WakeUpContract} does.
 */
abstract class PauseContract extends BrokerFixture {
  private static final String PAUSED = "paused";
  private static final Duration LONG = Duration.ofSeconds(60);

  @Test
  final void aLeaseSkipsAPausedQueueAndTakesTheOthers() {
    JobRecord held = enqueue(queued("t").queue(PAUSED));
    JobRecord other = enqueue(queued("t").queue(QUEUE));

    assertThat(broker.pauseQueue(PAUSED)).as("pausing a queue that was not paused").isTrue();

    assertThat(ids(lease(10, PAUSED, QUEUE))).containsExactly(other.id());
    assertThat(lease(10, PAUSED)).isEmpty();
    assertThat(job(held.id()).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  final void anEmptyQueueMayBePausedAndEnqueueStillStoresItsJobs() {
    assertThat(broker.pauseQueue(PAUSED)).isTrue();

    JobRecord job = enqueue(queued("t").queue(PAUSED));

    assertThat(job(job.id()).state()).isEqualTo(JobState.QUEUED);
    assertThat(lease(10, PAUSED)).isEmpty();
  }

  @Test
  final void aScheduledJobThatComesDueInAPausedQueueWaits() {
    JobRecord later = enqueue(scheduled("t", clock.instant().plusSeconds(60)).queue(PAUSED));
    broker.pauseQueue(PAUSED);
    clock.advance(Duration.ofSeconds(61));

    assertThat(lease(10, PAUSED)).isEmpty();

    broker.resumeQueue(PAUSED);
    assertThat(ids(lease(10, PAUSED))).containsExactly(later.id());
  }

  @Test
  final void aJobLeasedBeforeThePauseFinishes() {
    enqueue(queued("t").queue(PAUSED));
    Lease running = leaseOne(PAUSED);

    broker.pauseQueue(PAUSED);

    assertThat(broker.complete(List.of(new Completion(running.ref(), "1")))).containsExactly(true);
    assertThat(job(running.job().id()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  final void aResumeGivesTheJobsBackInTheirPlaceInLine() {
    JobRecord low = enqueue(queued("t").queue(PAUSED).priority(0));
    JobRecord high = enqueue(queued("t").queue(PAUSED).priority(5));
    broker.pauseQueue(PAUSED);
    JobRecord whilePaused = enqueue(queued("t").queue(PAUSED).priority(5));
    assertThat(lease(10, PAUSED)).isEmpty();

    assertThat(broker.resumeQueue(PAUSED)).as("resuming a paused queue").isTrue();

    assertThat(ids(lease(10, PAUSED))).containsExactly(high.id(), whilePaused.id(), low.id());
  }

  @Test
  final void pausingTwiceOrResumingAQueueNotPausedChangesNothing() {
    assertThat(broker.resumeQueue(PAUSED)).as("resuming a queue never paused").isFalse();
    assertThat(broker.pauseQueue(PAUSED)).isTrue();
    assertThat(broker.pauseQueue(PAUSED)).as("pausing it again").isFalse();
    assertThat(broker.pausedQueues()).containsExactly(PAUSED);
    assertThat(broker.resumeQueue(PAUSED)).isTrue();
    assertThat(broker.resumeQueue(PAUSED)).as("resuming it again").isFalse();
    assertThat(broker.pausedQueues()).isEmpty();
  }

  @Test
  final void pausedQueuesAreListedByNameAndMarkedInStats() {
    enqueue(queued("t").queue("b"));
    enqueue(queued("t").queue(QUEUE));
    broker.pauseQueue("b");
    broker.pauseQueue("a-empty");

    assertThat(broker.pausedQueues()).containsExactly("a-empty", "b");
    List<QueueStats> stats = broker.stats();
    assertThat(stats).extracting(QueueStats::queue).containsExactly("a-empty", "b", QUEUE);
    assertThat(stats).extracting(QueueStats::paused).containsExactly(true, true, false);
    assertThat(stats.get(0).total()).as("jobs in the empty paused queue").isZero();
    assertThat(stats.get(1).count(JobState.QUEUED)).isEqualTo(1);

    broker.resumeQueue("a-empty");
    assertThat(broker.stats()).extracting(QueueStats::queue).containsExactly("b", QUEUE);
  }

  @Test
  final void aQueueNameThatIsNotValidIsRefused() {
    assertThatThrownBy(() -> broker.pauseQueue("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue name");
    assertThatThrownBy(() -> broker.resumeQueue(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue name");
    assertThat(broker.pausedQueues()).isEmpty();
  }

  /**
   * An idle worker on a paused queue that holds a ready job leases and waits as on an empty queue:
   * a few rounds per wait timeout, not a spin; a resume then ends its wait long before the timeout.
   */
  @Test
  final void aWorkerIdleOnAPausedQueueWaitsAndTheResumeWakesIt() throws Exception {
    enqueue(queued("t").queue(PAUSED));
    broker.pauseQueue(PAUSED);
    Duration wait = Duration.ofMillis(50);
    long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
    int rounds = 0;
    while (System.nanoTime() < until) {
      assertThat(lease(10, PAUSED)).isEmpty();
      broker.awaitWork(List.of(PAUSED), wait);
      rounds++;
    }
    assertThat(rounds).as("lease-and-wait rounds in 500 ms with a 50 ms wait").isLessThan(50);

    assertThat(lease(10, PAUSED)).isEmpty();
    CompletableFuture<Long> waited = awaitInBackground(PAUSED, LONG);
    broker.resumeQueue(PAUSED);

    assertThat(waited.get(LONG.toSeconds() / 2, TimeUnit.SECONDS))
        .as("nanoseconds waited")
        .isLessThan(LONG.toNanos() / 2);
    assertThat(lease(10, PAUSED)).hasSize(1);
  }
}
