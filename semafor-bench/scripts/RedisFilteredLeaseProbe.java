import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a lease that names tasks costs on Redis when jobs of other tasks wait ahead of its own
 * (docs/redis.md, "Leasing only the worker's tasks"): enqueues N jobs of task "theirs" (priority
 * 1, so ahead) and 100 of task "mine" on queue "probe", then times one lease of 100 for a worker
 * with only "mine" (the lease script reads past the N others), and the same lease again with
 * nothing of "mine" left (the counters say so: no scan).
 *
 * <pre>
 * java -cp semafor-cli/target/semafor.jar semafor-bench/scripts/RedisFilteredLeaseProbe.java \
 *     'redis://127.0.0.1:6379/0?prefix=probe' 100000
 * </pre>
 *
 * Delete the prefix's keys afterwards.
 */
public class RedisFilteredLeaseProbe {
  public static void main(String[] args) {
    int others = Integer.parseInt(args[1]);
    try (Broker broker = Brokers.open(args[0])) {
      for (int done = 0; done < others; done += 1000) {
        broker.enqueue(jobs("theirs", 1, Math.min(1000, others - done)));
      }
      broker.enqueue(jobs("mine", 0, 100));
      LeaseRequest mine =
          new LeaseRequest(List.of("probe"), 100, "probe", Duration.ofMinutes(5), Set.of("mine"));
      for (String what : List.of("past " + others + " others", "none of mine left")) {
        long t0 = System.nanoTime();
        int n = broker.lease(mine).size();
        System.out.printf(
            "lease of mine, %s: %d leased in %.1f ms%n", what, n, (System.nanoTime() - t0) / 1e6);
      }
    }
  }

  private static List<JobRecord> jobs(String task, int priority, int n) {
    List<JobRecord> out = new ArrayList<>(n);
    Instant now = Instant.now();
    for (int i = 0; i < n; i++) {
      out.add(
          JobRecord.builder()
              .id(JobIds.next(now))
              .task(task)
              .queue("probe")
              .state(JobState.QUEUED)
              .priority(priority)
              .runAt(now)
              .enqueuedAt(now)
              .build());
    }
    return out;
  }
}
