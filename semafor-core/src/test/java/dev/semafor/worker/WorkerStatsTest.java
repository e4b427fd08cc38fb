package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stop line people read in the worker's log and in {@code semafor worker}'s output. */
class WorkerStatsTest {
  @Test
  void readsAsASentenceNotARecord() {
    WorkerStats stats = new WorkerStats(202, 201, 0, 1, 0, 0, 0, 0);

    assertThat(stats)
        .hasToString(
            "201 succeeded, 0 retried, 1 dead, 0 cancelled, 0 released, 0 lost of 202 leased");
  }

  @Test
  void namesJobsStillInFlight() {
    WorkerStats stats = new WorkerStats(10, 4, 1, 0, 2, 0, 0, 3);

    assertThat(stats.toString())
        .isEqualTo(
            "4 succeeded, 1 retried, 0 dead, 2 cancelled, 0 released, 0 lost of 10 leased,"
                + " 3 in flight")
        .doesNotContain("WorkerStats", "=");
  }
}
