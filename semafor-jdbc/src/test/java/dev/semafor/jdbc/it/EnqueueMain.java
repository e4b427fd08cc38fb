package dev.semafor.jdbc.it;

import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.List;

/**
 * A producer process for the wake-up tests: {@code EnqueueMain BROKER_URL QUEUE} opens the broker,
 * enqueues one {@code semafor.noop} job on {@code QUEUE}, prints its id and exits.
 */
public final class EnqueueMain {
  private EnqueueMain() {}

  public static void main(String[] args) {
    try (Broker broker = Brokers.open(args[0])) {
      Instant now = Instant.now();
      JobRecord job =
          JobRecord.builder()
              .id(JobIds.next(now))
              .task("semafor.noop")
              .queue(args[1])
              .state(JobState.QUEUED)
              .runAt(now)
              .enqueuedAt(now)
              .build();
      broker.enqueue(List.of(job));
      System.out.println(job.id());
    }
  }
}
