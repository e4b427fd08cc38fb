package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static dev.semafor.tck.TestJobs.scheduled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Query and stats: filters by queue, task, states and enqueue time ({@code [from, to)}), results
 * newest first and paged; counts per queue (sorted by name) and state.
 */
abstract class QueryContract extends BrokerFixture {
  // Enqueued one second apart, in this order: mail/send, mail/send, mail/digest, reports/render,
  // reports/send, reports/render (scheduled an hour ahead).
  private List<JobRecord> jobs;

  private void enqueueSix() {
    jobs =
        List.of(
            enqueueAfterASecond(queued("send").queue("mail")),
            enqueueAfterASecond(queued("send").queue("mail")),
            enqueueAfterASecond(queued("digest").queue("mail")),
            enqueueAfterASecond(queued("render").queue("reports")),
            enqueueAfterASecond(queued("send").queue("reports")),
            enqueueAfterASecond(
                scheduled("render", START.plus(Duration.ofHours(1))).queue("reports")));
  }

  private JobRecord enqueueAfterASecond(TestJobs.Draft draft) {
    clock.advance(Duration.ofSeconds(1));
    return enqueue(draft);
  }

  @Test
  final void queryByQueueListsItsJobsNewestFirst() {
    enqueueSix();

    assertThat(jobIds(broker.query(JobQuery.all().queue("mail"))))
        .containsExactly(id(2), id(1), id(0));
    assertThat(broker.query(JobQuery.all().queue("nowhere"))).isEmpty();
  }

  @Test
  final void queryByTaskListsItsJobsAcrossQueues() {
    enqueueSix();

    assertThat(jobIds(broker.query(JobQuery.all().task("send"))))
        .containsExactly(id(4), id(1), id(0));
  }

  @Test
  final void queryByStatesListsJobsInAnyOfThem() {
    enqueueSix();
    List<Lease> leased = lease(2, "mail");
    broker.complete(List.of(new Completion(leased.get(0).ref(), "null")));
    broker.fail(List.of(Failure.dead(leased.get(1).ref(), JobError.of("E", "x"))));

    assertThat(jobIds(broker.query(JobQuery.all().states(JobState.SUCCEEDED, JobState.DEAD))))
        .containsExactly(id(1), id(0));
    assertThat(jobIds(broker.query(JobQuery.all().states(JobState.SCHEDULED))))
        .containsExactly(id(5));
    assertThat(jobIds(broker.query(JobQuery.all().states(JobState.QUEUED))))
        .containsExactly(id(4), id(3), id(2));
  }

  @Test
  final void queryByEnqueueTimeIncludesTheStartAndExcludesTheEnd() {
    enqueueSix();

    JobQuery range =
        JobQuery.all().enqueuedBetween(jobs.get(1).enqueuedAt(), jobs.get(4).enqueuedAt());

    assertThat(jobIds(broker.query(range))).containsExactly(id(3), id(2), id(1));
  }

  @Test
  final void queryByUniqueKeyListsTheKeysJobsFinishedOnesIncluded() {
    JobRecord first = enqueueAfterASecond(queued("report").uniqueKey("report-7"));
    enqueueAfterASecond(queued("report").uniqueKey("report-8"));
    enqueueAfterASecond(queued("report"));
    Lease leased = lease(1, JobOptions.DEFAULT_QUEUE).get(0);
    assertThat(leased.job().id()).isEqualTo(first.id());
    broker.complete(List.of(new Completion(leased.ref(), "null")));
    JobRecord second = enqueueAfterASecond(queued("report").uniqueKey("report-7"));

    assertThat(jobIds(broker.query(JobQuery.all().uniqueKey("report-7"))))
        .containsExactly(second.id(), first.id());
    assertThat(jobIds(broker.query(JobQuery.all().uniqueKey("report-7").states(JobState.QUEUED))))
        .containsExactly(second.id());
    assertThat(broker.query(JobQuery.all().uniqueKey("report"))).isEmpty();
  }

  @Test
  final void queryPagesNewestFirst() {
    enqueueSix();

    assertThat(jobIds(broker.query(JobQuery.all().page(4, 0))))
        .containsExactly(id(5), id(4), id(3), id(2));
    assertThat(jobIds(broker.query(JobQuery.all().page(4, 4)))).containsExactly(id(1), id(0));
    assertThat(jobIds(broker.query(JobQuery.all().page(2, 1)))).containsExactly(id(4), id(3));
    assertThat(broker.query(JobQuery.all().page(4, 6))).isEmpty();
  }

  @Test
  final void queryCombinesEveryFilter() {
    enqueueSix();

    JobQuery query =
        JobQuery.all()
            .queue("reports")
            .task("render")
            .states(JobState.QUEUED, JobState.SCHEDULED)
            .enqueuedBetween(START, START.plus(Duration.ofMinutes(1)))
            .page(1, 1);

    assertThat(jobIds(broker.query(query))).containsExactly(id(3));
  }

  @Test
  final void statsCountJobsPerQueueAndStateWithQueuesSortedByName() {
    enqueueSix();
    enqueue(queued("x").queue("archive"));
    List<Lease> leased = lease(3, "mail");
    broker.complete(List.of(new Completion(leased.get(0).ref(), "null")));
    broker.fail(List.of(Failure.dead(leased.get(1).ref(), JobError.of("E", "x"))));
    broker.cancel(id(4));

    List<QueueStats> stats = broker.stats();

    assertThat(stats).extracting(QueueStats::queue).containsExactly("archive", "mail", "reports");
    assertThat(stats.get(0).counts()).isEqualTo(counts(0, 1, 0, 0, 0, 0));
    assertThat(stats.get(1).counts()).isEqualTo(counts(0, 0, 1, 1, 1, 0));
    assertThat(stats.get(2).counts()).isEqualTo(counts(1, 1, 0, 0, 0, 1));
    assertThat(stats.get(2).total()).isEqualTo(3);
  }

  @Test
  final void statsOfAnEmptyBrokerAreEmpty() {
    assertThat(broker.stats()).isEmpty();
  }

  private String id(int index) {
    return jobs.get(index).id();
  }

  private static List<String> jobIds(List<JobRecord> records) {
    return records.stream().map(JobRecord::id).toList();
  }

  /** Counts in {@link JobState} order: scheduled, queued, running, succeeded, dead, cancelled. */
  private static Map<JobState, Long> counts(long... perState) {
    return new QueueStats(
            "",
            Map.of(
                JobState.SCHEDULED, perState[0],
                JobState.QUEUED, perState[1],
                JobState.RUNNING, perState[2],
                JobState.SUCCEEDED, perState[3],
                JobState.DEAD, perState[4],
                JobState.CANCELLED, perState[5]))
        .counts();
  }
}
