package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobIds;
import dev.semafor.Json;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Assignment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The flight alone, with a recording child and a watchdog whose kills run when the test fires them
 * (no child JVM, no clock), and once with a real, frozen child.
 */
class FlightTest {
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final FrameCodec codec = new FrameCodec(Json.defaults());
  private final RecordingChild child = new RecordingChild();
  private final ManualWatchdog watchdog = new ManualWatchdog();
  private final Flight flight = new Flight(watchdog, codec, GRACE);

  /** A child that records the frames sent to it and the kills. */
  private static final class RecordingChild implements Flight.Child {
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    final List<ChildProcess.KillReason> kills = new CopyOnWriteArrayList<>();
    final FrameCodec codec = new FrameCodec(Json.defaults());

    @Override
    public void send(byte[] encodedFrame) throws IOException {
      frames.add(codec.read(new ByteArrayInputStream(encodedFrame)));
    }

    @Override
    public void kill(ChildProcess.KillReason reason) {
      kills.add(reason);
    }
  }

  /** Holds each scheduled kill, with its delay, until the test fires it. */
  private static final class ManualWatchdog implements Flight.Watchdog {
    record Kill(Runnable task, Duration delay, FutureTask<Void> future) {}

    final List<Kill> kills = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> schedule(Runnable kill, Duration delay) {
      FutureTask<Void> future = new FutureTask<>(kill, null);
      kills.add(new Kill(kill, delay, future));
      return future;
    }

    List<Kill> armed() {
      return kills.stream().filter(k -> !k.future.isDone()).toList();
    }
  }

  @Test
  void onlyTheHeadIsOnTheClockAndTheNextStartsItsOwnWhenItBecomesTheHead() {
    Assignment first = limited(Duration.ofSeconds(1));
    Assignment second = limited(Duration.ofSeconds(2));

    flight.add(first, child);
    flight.add(second, child);

    assertThat(watchdog.armed())
        .extracting(ManualWatchdog.Kill::delay)
        .containsExactly(Duration.ofSeconds(1));
    assertThat(flight.head()).isSameAs(first);

    flight.finishHead();

    assertThat(watchdog.armed())
        .extracting(ManualWatchdog.Kill::delay)
        .containsExactly(Duration.ofSeconds(2));
    assertThat(flight.head()).isSameAs(second);
  }

  @Test
  void aTimeLimitThatRunsOutKillsTheChildOfTheHead() {
    flight.add(limited(Duration.ofSeconds(1)), child);

    watchdog.armed().get(0).future().run();

    assertThat(child.kills).containsExactly(ChildProcess.KillReason.TIMEOUT);
  }

  @Test
  void aKillThatComesAfterItsJobFinishedKillsNothing() {
    flight.add(limited(Duration.ofSeconds(1)), child);
    flight.add(assignment(), child);
    Runnable lateKill = watchdog.kills.get(0).task();

    flight.finishHead();
    lateKill.run(); // as if the watchdog had taken it just before finishHead cancelled it

    assertThat(child.kills).isEmpty();
    assertThat(watchdog.armed()).isEmpty();
  }

  @Test
  void cancellingTheHeadSendsACancelFrameAndKillsAfterTheGrace() {
    Assignment head = assignment();
    flight.add(head, child);
    head.onCancel(flight::cancel);

    head.cancel();

    await().until(() -> !child.frames.isEmpty());
    assertThat(child.frames).containsExactly(new Frame.Cancel(head.jobId()));
    assertThat(watchdog.armed()).extracting(ManualWatchdog.Kill::delay).containsExactly(GRACE);
    watchdog.armed().get(0).future().run();
    assertThat(child.kills).containsExactly(ChildProcess.KillReason.CANCEL_GRACE);
  }

  @Test
  void aQueuedJobCancelledIsToldAtOnceAndOnlyPutOnTheGraceClockWhenItBecomesTheHead() {
    Assignment head = assignment();
    Assignment queued = assignment();
    flight.add(head, child);
    flight.add(queued, child);
    queued.onCancel(flight::cancel);

    queued.cancel();

    await().until(() -> !child.frames.isEmpty());
    assertThat(child.frames).containsExactly(new Frame.Cancel(queued.jobId()));
    assertThat(watchdog.armed()).isEmpty(); // it does not run: no kill for it yet

    flight.finishHead();

    assertThat(watchdog.armed()).extracting(ManualWatchdog.Kill::delay).containsExactly(GRACE);
  }

  @Test
  void aJobNoLongerInFlightIsLeftAlone() throws Exception {
    Assignment gone = assignment();
    flight.add(gone, child);
    flight.finishHead();

    flight.cancel(gone); // returns before it would start a thread to write a frame

    assertThat(watchdog.armed()).isEmpty();
    assertThat(child.frames).isEmpty();
  }

  @Test
  void drainingTakesEveryJobHeadFirstAndStopsTheClock() {
    Assignment head = limited(Duration.ofSeconds(1));
    Assignment next = assignment();
    flight.add(head, child);
    flight.add(next, child);

    assertThat(flight.drain()).containsExactly(head, next);

    assertThat(flight.isEmpty()).isTrue();
    assertThat(watchdog.armed()).isEmpty();
  }

  private static Assignment limited(Duration limit) {
    return assignment(limit);
  }

  @Test
  void cancellingAJobOfAFrozenChildReturnsAtOnceAndTheGraceKillStillComes() throws Exception {
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    ChildProcess child =
        ChildProcess.start(
            ChildCommand.ofCurrentJvm(PoolFixture.CHILD_JVM, List.of()), codec, line -> {});
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

  @Test
  void cancelFramesReachTheChildInTheOrderOfTheCancelsEvenWhenASendBlocks() throws Exception {
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> sent = new CopyOnWriteArrayList<>();
    Flight.Child slow =
        new Flight.Child() {
          @Override
          public void send(byte[] encodedFrame) throws IOException {
            String id = ((Frame.Cancel) codec.read(new ByteArrayInputStream(encodedFrame))).jobId();
            if (sending.getCount() > 0) {
              sending.countDown();
              try {
                release.await(); // the first write blocks, as on a full pipe
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            sent.add(id);
          }

          @Override
          public void kill(ChildProcess.KillReason reason) {}
        };
    Assignment head = assignment();
    Assignment queued = assignment();
    flight.add(head, slow);
    flight.add(queued, slow);

    flight.cancel(queued);
    sending.await();
    flight.cancel(head); // returns at once, though the first frame is still being written
    release.countDown();

    await().atMost(Duration.ofSeconds(30)).until(() -> sent.size() == 2);
    assertThat(sent).containsExactly(queued.jobId(), head.jobId());
  }

  private static Assignment assignment() {
    return assignment(null);
  }

  private static Assignment assignment(Duration timeLimit) {
    Instant now = Instant.now();
    JobRecord job =
        JobRecord.builder()
            .id(JobIds.next(now))
            .task(BuiltinTasks.NOOP)
            .runAt(now)
            .enqueuedAt(now)
            .timeout(timeLimit)
            .build();
    return new Assignment(new Lease(job, "t", now.plusSeconds(60)), (a, f, m) -> {}, 0);
  }
}
