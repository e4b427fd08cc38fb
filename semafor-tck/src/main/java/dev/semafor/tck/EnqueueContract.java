package dev.semafor.tck;

import static dev.semafor.tck.JobAssert.assertThatJob;
import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.Backoff;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Enqueue and get: a batch is stored whole or not at all, and every job reads back as the producer
 * gave it, waiting and not yet attempted.
 */
abstract class EnqueueContract extends BrokerFixture {

  @Test
  final void enqueueStoresEveryJobOfABatchAsGivenAndReturnsThemInOrder() {
    List<JobRecord> batch =
        List.of(
            queued("mail.send")
                .queue("mail")
                .priority(7)
                .input("{\"to\":\"a@example.com\",\"tags\":[1,2]}")
                .maxAttempts(5)
                .backoff(new Backoff(Duration.ofMillis(250), Duration.ofSeconds(40), 0.1))
                .timeout(Duration.ofSeconds(90))
                .uniqueKey("mail-a")
                .concurrency("smtp", 2)
                .build(clock),
            queued("report").priority(-2).build(clock),
            scheduled("cleanup", START.plus(Duration.ofHours(1))).build(clock));

    List<JobRecord> stored = broker.enqueue(batch);

    assertThat(stored)
        .extracting(JobRecord::id)
        .containsExactlyElementsOf(batch.stream().map(JobRecord::id).toList());
    for (JobRecord given : batch) {
      assertThatJob(job(given.id()))
          .keepsWhatWasEnqueued(given)
          .isInState(given.state())
          .hasAttempts(0)
          .hasNoLease()
          .wasStartedAt(null)
          .isNotFinished()
          .hasError(null)
          .hasCancelRequested(false);
    }
    assertThatJob(job(batch.get(2).id())).isInState(JobState.SCHEDULED);
  }

  @Test
  final void aJobDueWhenEnqueuedIsDueNowHoweverFastItsProducersClock() {
    // A producer whose clock runs 30 s ahead of the broker's stamps "run now" 30 s in the future.
    JobRecord fast =
        TestJobs.record("report", START.plusSeconds(30)).build(); // run-at == enqueued-at
    JobRecord delayed =
        TestJobs.record("report", START.plusSeconds(30)).runAt(START.plusSeconds(90)).build();

    broker.enqueue(List.of(fast, delayed));

    assertThatJob(job(fast.id())).isInState(JobState.QUEUED);
    assertThat(job(fast.id()).runAt()).isBeforeOrEqualTo(START);
    assertThatJob(job(delayed.id())).isInState(JobState.SCHEDULED);
    assertThat(lease(10, fast.queue()))
        .as("a job asked for now is leased now, not when the broker's clock catches up")
        .extracting(l -> l.job().id())
        .containsExactly(fast.id());
  }

  @Test
  final void getOfAnUnknownIdIsEmpty() {
    enqueue(queued("t"));

    assertThat(broker.get("01ZZZZZZZZZZZZZZZZZZZZZZZZ")).isEmpty();
  }

  @Test
  final void enqueueOfABatchWithAnIdAlreadyStoredStoresNoneOfIt() {
    JobRecord existing = enqueue(queued("t").input("{\"v\":1}"));
    JobRecord fresh = queued("t").build(clock);
    JobRecord duplicate = queued("t").id(existing.id()).input("{\"v\":2}").build(clock);

    assertThatThrownBy(() -> broker.enqueue(List.of(fresh, duplicate)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(existing.id());

    assertThat(broker.get(fresh.id())).as("the fresh job of the refused batch").isEmpty();
    assertThatJob(job(existing.id())).keepsWhatWasEnqueued(existing);
    assertThat(totalJobs()).isEqualTo(1);
  }

  @Test
  final void enqueueOfABatchHoldingOneIdTwiceStoresNoneOfIt() {
    JobRecord first = queued("t").build(clock);
    JobRecord other = queued("t").build(clock);
    JobRecord again = queued("t").id(first.id()).build(clock);

    assertThatThrownBy(() -> broker.enqueue(List.of(first, other, again)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(first.id());

    assertThat(broker.get(first.id())).isEmpty();
    assertThat(broker.get(other.id())).isEmpty();
    assertThat(totalJobs()).isZero();
    assertThat(lease(10, QUEUE)).isEmpty();
  }

  @Test
  final void enqueueOfABatchHoldingAJobThatIsNotWaitingStoresNoneOfIt() {
    JobRecord fine = queued("t").build(clock);
    JobRecord running = queued("t").build(clock).toBuilder().state(JobState.RUNNING).build();

    assertThatThrownBy(() -> broker.enqueue(List.of(fine, running)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(running.id());

    assertThat(broker.get(fine.id())).isEmpty();
    assertThat(totalJobs()).isZero();
  }

  @Test
  final void enqueueOfAnEmptyBatchStoresNothing() {
    assertThat(broker.enqueue(List.of())).isEmpty();

    assertThat(totalJobs()).isZero();
  }

  private long totalJobs() {
    return broker.stats().stream().mapToLong(QueueStats::total).sum();
  }
}
