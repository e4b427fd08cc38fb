package dev.semafor.jdbc;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Job records for tests, built the way the client builds them. */
final class Jobs {
  private Jobs() {}

  /** A queued job of {@code task} in the default queue, enqueued now. */
  static JobRecord.Builder queued(String task, InstantSource clock) {
    return JobRecord.builder()
        .id(JobIds.next(clock.instant()))
        .task(task)
        .state(JobState.QUEUED)
        .input("{}")
        .runAt(clock.instant())
        .enqueuedAt(clock.instant());
  }

  /** {@code n} queued jobs of {@code task}, in id order. */
  static List<JobRecord> queued(String task, int n, InstantSource clock) {
    List<JobRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(queued(task, clock).build());
    }
    return out;
  }
}
