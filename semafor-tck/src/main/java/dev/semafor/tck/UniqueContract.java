package dev.semafor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.UniqueKeyConflictException;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unique keys, enforced by {@link dev.semafor.spi.Broker#enqueue}: while a job with the key is
 * scheduled, queued or running, reject returns it in place of the new job, and replace cancels a
 * waiting one (but never a running one). {@link dev.semafor.spi.Broker#retry} keeps to the same
 * rule: a finished job is not put back while another job holds its key.
 */
public abstract class UniqueContract extends JobControlFixture {

  private JobRecord unique(String key, UniquePolicy policy) {
    return job("unique").uniqueKey(key).uniquePolicy(policy).build();
  }

  private long stored() {
    return broker.query(JobQuery.all().task("unique")).size();
  }

  @Test
  final void rejectReturnsTheWaitingJobInsteadOfANewOne() {
    JobRecord first = enqueue(unique("report-7", UniquePolicy.REJECT));
    JobRecord second = unique("report-7", UniquePolicy.REJECT);

    JobRecord returned = enqueue(second);
    assertThat(returned.id()).isEqualTo(first.id());
    assertThat(broker.get(second.id())).isEmpty();
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  final void rejectHoldsWhileTheJobIsScheduledOrRunning() {
    JobRecord scheduled =
        enqueue(
            job("unique")
                .uniqueKey("k")
                .state(JobState.SCHEDULED)
                .runAt(clock.instant().plusSeconds(60))
                .build());
    assertThat(enqueue(unique("k", UniquePolicy.REJECT)).id()).isEqualTo(scheduled.id());

    clock.advance(Duration.ofSeconds(60));
    Lease running = lease(1).get(0);
    assertThat(enqueue(unique("k", UniquePolicy.REJECT)).id()).isEqualTo(running.job().id());
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  final void aFinishedJobDoesNotBlockItsKey() {
    enqueue(unique("k", UniquePolicy.REJECT));
    succeed(lease(1).get(0), "null");

    JobRecord again = unique("k", UniquePolicy.REJECT);
    assertThat(enqueue(again).id()).isEqualTo(again.id());
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  final void aCancelledJobFreesItsKey() {
    JobRecord first = enqueue(unique("k", UniquePolicy.REJECT));
    assertThat(broker.cancel(first.id())).isEqualTo(CancelResult.CANCELLED);

    JobRecord again = unique("k", UniquePolicy.REJECT);
    assertThat(enqueue(again).id()).isEqualTo(again.id());
  }

  @Test
  final void replaceCancelsTheWaitingJobAndStoresTheNewOne() {
    JobRecord old = enqueue(unique("k", UniquePolicy.REJECT));
    JobRecord replacement = unique("k", UniquePolicy.REPLACE);

    assertThat(enqueue(replacement).id()).isEqualTo(replacement.id());
    JobRecord cancelled = get(old.id());
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.finishedAt()).isEqualTo(clock.instant());
    assertThat(ids(lease(10))).containsExactly(replacement.id());
  }

  @Test
  final void replaceNeverReplacesARunningJob() {
    enqueue(unique("k", UniquePolicy.REJECT));
    Lease running = lease(1).get(0);

    JobRecord replacement = unique("k", UniquePolicy.REPLACE);
    assertThat(enqueue(replacement).id()).isEqualTo(running.job().id());
    assertThat(broker.get(replacement.id())).isEmpty();
    assertThat(get(running.job().id()).state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  final void aBatchSeesItsOwnEarlierJobs() {
    JobRecord a = unique("k", UniquePolicy.REJECT);
    JobRecord b = unique("k", UniquePolicy.REJECT);
    JobRecord c = unique("other", UniquePolicy.REJECT);

    List<JobRecord> stored = broker.enqueue(List.of(a, b, c));
    assertThat(stored).extracting(JobRecord::id).containsExactly(a.id(), a.id(), c.id());
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  final void theStoredJobKeepsItsUniqueKeyAndPolicy() {
    JobRecord stored = enqueue(unique("k", UniquePolicy.REPLACE));
    assertThat(get(stored.id()).uniqueKey()).isEqualTo("k");
    assertThat(get(stored.id()).uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
  }

  @Test
  final void retryIsRefusedWhileAnotherJobHoldsTheKey() {
    JobRecord cancelled = enqueue(unique("k", UniquePolicy.REJECT));
    broker.cancel(cancelled.id());
    JobRecord holder = enqueue(unique("k", UniquePolicy.REJECT));

    assertThatThrownBy(() -> broker.retry(cancelled.id()))
        .isInstanceOfSatisfying(
            UniqueKeyConflictException.class,
            e -> {
              assertThat(e.jobId()).isEqualTo(cancelled.id());
              assertThat(e.uniqueKey()).isEqualTo("k");
              assertThat(e.holderId()).isEqualTo(holder.id());
              assertThat(e.holderState()).isEqualTo(JobState.QUEUED);
            })
        .hasMessageContainingAll(cancelled.id(), "'k'", holder.id(), "queued");
    assertThat(get(cancelled.id()).state()).as("nothing changed").isEqualTo(JobState.CANCELLED);
    assertThat(ids(lease(10))).containsExactly(holder.id());

    assertThatThrownBy(() -> broker.retry(cancelled.id()))
        .as("a running holder keeps the key too")
        .isInstanceOfSatisfying(
            UniqueKeyConflictException.class,
            e -> assertThat(e.holderState()).isEqualTo(JobState.RUNNING));
    assertThat(get(cancelled.id()).state()).isEqualTo(JobState.CANCELLED);
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  final void retryOfADeadJobIsRefusedWhileAScheduledJobHoldsItsKey() {
    enqueue(unique("k", UniquePolicy.REJECT));
    Lease lease = lease(1).get(0);
    broker.fail(Failure.dead(lease.ref(), JobError.of("E", "boom")));
    JobRecord later =
        enqueue(
            job("unique")
                .uniqueKey("k")
                .uniquePolicy(UniquePolicy.REPLACE)
                .state(JobState.SCHEDULED)
                .runAt(clock.instant().plusSeconds(60))
                .build());

    assertThatThrownBy(() -> broker.retry(lease.job().id()))
        .isInstanceOf(UniqueKeyConflictException.class)
        .hasMessageContainingAll(lease.job().id(), later.id(), "scheduled");
    assertThat(get(lease.job().id()).state()).isEqualTo(JobState.DEAD);
    assertThat(get(later.id()).state())
        .as("a retry never replaces the holder, whatever its policy")
        .isEqualTo(JobState.SCHEDULED);
  }

  @Test
  final void aRetriedJobHoldsItsKeyOnceTheHolderHasFinished() {
    JobRecord cancelled = enqueue(unique("k", UniquePolicy.REJECT));
    broker.cancel(cancelled.id());
    enqueue(unique("k", UniquePolicy.REJECT));
    succeed(lease(1).get(0), "null");

    assertThat(broker.retry(cancelled.id())).isTrue();
    assertThat(get(cancelled.id()).state()).isEqualTo(JobState.QUEUED);
    assertThat(enqueue(unique("k", UniquePolicy.REJECT)).id())
        .as("the retried job holds the key again")
        .isEqualTo(cancelled.id());
    assertThat(stored()).isEqualTo(2);
  }
}
