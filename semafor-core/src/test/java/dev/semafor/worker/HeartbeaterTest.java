package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.TaskRegistry;
import dev.semafor.TestClock;
import dev.semafor.broker.Lease;
import dev.semafor.broker.LeaseRequest;
import dev.semafor.client.Client;
import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeaterTest {
  private final FaultyBroker broker = new FaultyBroker();
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Set<Assignment> held = ConcurrentHashMap.newKeySet();

  @Test
  void aSlowPruneDoesNotHoldUpTheHeartbeat() throws Exception {
    new Client(broker, TaskRegistry.withBuiltins()).enqueue(BuiltinTasks.NOOP, null);
    WorkerConfig config = WorkerConfig.builder().retention(Duration.ofDays(1)).build();
    List<Lease> leases =
        broker.lease(new LeaseRequest(config.queues(), 1, "w1", Duration.ofMinutes(5)));
    held.add(new Assignment(leases.get(0), (a, f, m) -> {}, 0));
    CountDownLatch inPrune = new CountDownLatch(1);
    CountDownLatch releasePrune = new CountDownLatch(1);
    broker.onPrune =
        () -> {
          inPrune.countDown();
          releasePrune.await();
        };
    Heartbeater heartbeater =
        new Heartbeater(
            broker,
            config,
            clock,
            held,
            (a, s) -> {},
            WorkerListener.NONE,
            new LogShipper(broker, clock));
    try {
      CompletableFuture.runAsync(heartbeater::beat).get(10, TimeUnit.SECONDS);
      assertThat(inPrune.await(10, TimeUnit.SECONDS)).as("a prune started").isTrue();

      // The prune still runs; the next heartbeat extends the lease all the same.
      CompletableFuture.runAsync(heartbeater::beat).get(10, TimeUnit.SECONDS);
      assertThat(broker.heartbeats).hasValue(2);
    } finally {
      releasePrune.countDown();
      heartbeater.stop();
    }
  }
}
