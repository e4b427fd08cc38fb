package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobIds;
import dev.semafor.Json;
import dev.semafor.broker.JobRecord;
import dev.semafor.broker.Lease;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FlightTest {
  @Test
  void cancellingAJobOfAFrozenChildReturnsAtOnceAndTheGraceKillStillComes() throws Exception {
    FrameCodec codec = new FrameCodec(Json.defaults());
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    ChildProcess child =
        ChildProcess.start(
            ChildCommand.ofCurrentJvm(ProcessPool.DEFAULT_JVM_OPTIONS, List.of()),
            codec,
            line -> {});
    try {
      freeze(child.pid());
      // Fill its stdin: this write blocks for good, holding the stream.
      Thread filler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      child.send(new byte[1 << 20]);
                    } catch (IOException e) {
                      // the child was killed
                    }
                  });
      await()
          .until(
              () ->
                  Arrays.stream(filler.getStackTrace())
                      .anyMatch(f -> f.getMethodName().startsWith("write")));
      Flight flight = new Flight(watchdog, codec, Duration.ofMillis(100));
      Assignment job = assignment();
      flight.add(job, child);
      job.onCancel(flight::cancel);

      CompletableFuture.runAsync(job::cancel).get(10, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(10)).until(() -> !child.isAlive());
    } finally {
      child.kill(ChildProcess.KillReason.CLOSED);
      watchdog.shutdownNow();
    }
  }

  private static void freeze(long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
    assertThat(kill.waitFor()).isZero();
  }

  private static Assignment assignment() {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task(BuiltinTasks.NOOP)
            .runAt(now)
            .enqueuedAt(now)
            .build();
    return new Assignment(new Lease(job, "t", now.plusSeconds(60)), (a, f, m) -> {}, 0);
  }
}
