import dev.semafor.JobIds;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.SynchronousQueue;

/**
 * Enqueue-to-start latency through awaitWork on Redis: an idle "worker" handle leases (nothing),
 * waits in awaitWork, and leases again when woken; a "producer" handle enqueues one job at a time.
 * Prints p50/p90/p99/max of enqueue call start → job leased (docs/redis.md):
 *
 * <pre>
 * java -cp semafor-cli/target/semafor.jar semafor-bench/scripts/RedisWakeupProbe.java \
 *     'redis://127.0.0.1:6379/0?prefix=wakeprobe' 200
 * </pre>
 */
public class RedisWakeupProbe {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[1]);
    long[] micros = new long[rounds];
    try (Broker worker = Brokers.open(args[0]);
        Broker producer = Brokers.open(args[0])) {
      LeaseRequest request = new LeaseRequest(List.of("wake"), 10, "w", Duration.ofMinutes(1));
      SynchronousQueue<Long> started = new SynchronousQueue<>();
      SynchronousQueue<Boolean> idle = new SynchronousQueue<>();
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  worker.awaitWork(List.of("wake"), Duration.ZERO); // subscribes
                  while (true) {
                    List<Lease> got = worker.lease(request);
                    if (got.isEmpty()) {
                      idle.put(true);
                      worker.awaitWork(List.of("wake"), Duration.ofSeconds(30));
                      continue;
                    }
                    long at = System.nanoTime();
                    for (Lease l : got) {
                      worker.complete(new dev.semafor.spi.Completion(l.ref(), null));
                    }
                    started.put(at);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      for (int i = 0; i < rounds; i++) {
        idle.take();
        Thread.sleep(5); // let the worker settle into its wait
        Instant now = Instant.now();
        JobRecord job =
            JobRecord.builder()
                .id(JobIds.next(now))
                .task("semafor.noop")
                .queue("wake")
                .state(JobState.QUEUED)
                .runAt(now)
                .enqueuedAt(now)
                .build();
        long t0 = System.nanoTime();
        producer.enqueue(List.of(job));
        micros[i] = (started.take() - t0) / 1_000;
      }
    }
    Arrays.sort(micros);
    System.out.printf(
        "enqueue -> start over %d jobs: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n",
        rounds,
        micros[rounds / 2] / 1e3,
        micros[rounds * 9 / 10] / 1e3,
        micros[Math.min(rounds - 1, rounds * 99 / 100)] / 1e3,
        micros[rounds - 1] / 1e3);
  }
}
