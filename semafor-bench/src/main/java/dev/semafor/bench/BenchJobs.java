package dev.semafor.bench;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The jobs the broker benchmarks feed in: queued {@code semafor.noop} records, as a client makes.
 */
final class BenchJobs {
  private BenchJobs() {}

  static List<JobRecord> noops(int n, Instant now) {
    List<JobRecord> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(
          JobRecord.builder()
              .id(JobIds.next(now))
              .task("semafor.noop")
              .state(JobState.QUEUED)
              .input("null")
              .runAt(now)
              .enqueuedAt(now)
              .build());
    }
    return jobs;
  }
}
