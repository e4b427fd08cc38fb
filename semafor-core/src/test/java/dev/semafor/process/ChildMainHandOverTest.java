package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The thread that ran a job gives up the turn to run before it writes the job's outcome: the next
 * job starts while that write is still under way (in a child, while the writer has lost its core to
 * the parent it woke), and its own frames still come after the outcome.
 */
class ChildMainHandOverTest {
  private final FrameCodec codec = new FrameCodec(Json.defaults());

  @Test
  void theNextJobStartsWhileTheLastOutcomeIsBeingWrittenAndItsOutcomeComesAfter() throws Exception {
    PipedInputStream childIn = new PipedInputStream(1 << 16);
    PipedOutputStream toChild = new PipedOutputStream(childIn);
    PipedInputStream fromChild = new PipedInputStream(1 << 16);
    // The child's second write (after Ready: the first job's Done) waits at this gate.
    Gate childOut = new Gate(new PipedOutputStream(fromChild), 2);
    ChildMain child =
        new ChildMain(
            codec,
            new JobExecutor(TaskRegistry.discover(), Json.defaults()),
            childOut,
            status -> {});
    CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> child.serve(childIn));
    try {
      assertThat(codec.read(fromChild)).isInstanceOf(Frame.Ready.class);
      codec.write(toChild, run("first", BuiltinTasks.ECHO, "1"));
      assertThat(childOut.waiting.await(30, TimeUnit.SECONDS))
          .as("the first job's outcome is being written")
          .isTrue();
      int counted = ProcessTestTasks.COUNTER.get();

      codec.write(toChild, run("second", ProcessTestTasks.COUNT, "null"));

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(ProcessTestTasks.COUNTER.get())
                      .as("the second job ran while the first one's outcome was still going out")
                      .isGreaterThan(counted));
      childOut.open.countDown();
      assertThat(codec.read(fromChild))
          .isEqualTo(new Frame.Done("first", new Outcome.Succeeded("1")));
      Frame second = codec.read(fromChild);
      assertThat(second).isInstanceOf(Frame.Done.class);
      assertThat(((Frame.Done) second).jobId()).isEqualTo("second");
      codec.write(toChild, new Frame.Stop());
      toChild.close();
      assertThat(served.get(30, TimeUnit.SECONDS)).isZero();
    } finally {
      childOut.open.countDown();
      toChild.close();
    }
  }

  private static Frame.Run run(String id, String task, String input) {
    return new Frame.Run(id, task, "default", 1, 3, input);
  }

  /** Holds the {@code held}-th write until {@link #open} counts down; says when it waits. */
  private static final class Gate extends FilterOutputStream {
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);
    private final int held;
    private int writes;

    Gate(OutputStream out, int held) {
      super(out);
      this.held = held;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (++writes == held) {
        waiting.countDown();
        try {
          open.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted at the gate", e);
        }
      }
      out.write(b, off, len);
    }
  }
}
