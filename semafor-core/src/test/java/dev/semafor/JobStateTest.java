package dev.semafor;

import static dev.semafor.JobState.CANCELLED;
import static dev.semafor.JobState.DEAD;
import static dev.semafor.JobState.QUEUED;
import static dev.semafor.JobState.RUNNING;
import static dev.semafor.JobState.SCHEDULED;
import static dev.semafor.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateTest {
  /** The whole transition table, written out by hand: from each state, where it may go. */
  private static final Map<JobState, Set<JobState>> ALLOWED =
      Map.of(
          SCHEDULED, EnumSet.of(SCHEDULED, QUEUED, RUNNING, CANCELLED),
          QUEUED, EnumSet.of(SCHEDULED, QUEUED, RUNNING, CANCELLED),
          RUNNING, EnumSet.of(QUEUED, SCHEDULED, SUCCEEDED, DEAD, CANCELLED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          DEAD, EnumSet.of(QUEUED),
          CANCELLED, EnumSet.of(QUEUED));

  @Test
  void theTableCoversEveryState() {
    assertThat(ALLOWED.keySet()).containsExactlyInAnyOrder(JobState.values());
  }

  @Test
  void everyPairOfStatesIsAllowedOrRefusedExactlyAsTheTableSays() {
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        boolean allowed = ALLOWED.get(from).contains(to);
        assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(allowed);
        if (allowed) {
          assertThatCode(() -> from.checkTransition(to, "J1")).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> from.checkTransition(to, "J1"))
              .as("%s -> %s", from, to)
              .isInstanceOf(IllegalStateException.class)
              .hasMessage("job J1 cannot move from " + from + " to " + to);
        }
      }
    }
  }

  @Test
  void finishedStatesAreExactlySucceededDeadAndCancelled() {
    assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isFinished))
        .containsExactlyInAnyOrder(SUCCEEDED, DEAD, CANCELLED);
  }

  @Test
  void waitingStatesAreExactlyScheduledAndQueued() {
    assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isWaiting))
        .containsExactlyInAnyOrder(SCHEDULED, QUEUED);
  }

  @Test
  void aSucceededJobNeverMovesAgain() {
    for (JobState to : JobState.values()) {
      assertThat(SUCCEEDED.canTransitionTo(to)).as("SUCCEEDED -> %s", to).isFalse();
    }
  }

  @Test
  void onlyALeaseStartsAJobRunning() {
    for (JobState from : JobState.values()) {
      assertThat(from.canTransitionTo(RUNNING))
          .as("%s -> RUNNING", from)
          .isEqualTo(from.isWaiting());
    }
  }
}
