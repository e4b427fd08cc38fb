package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChildMain}'s handling of the protocol, in this JVM: it serves piped streams as a child
 * serves its stdin and stdout, and a halt is recorded instead of ending the process. What only a
 * real process shows (exit statuses, stderr, a halt mid-job, shutdown hooks) is in {@link
 * ChildMainTest}.
 */
class ChildMainProtocolTest {
  private static final TaskRegistry REGISTRY = TaskRegistry.discover();
  private final FrameCodec codec = new FrameCodec(Json.defaults());
  private final CompletableFuture<Integer> halted = new CompletableFuture<>();
  private PipedOutputStream toChild;
  private PipedInputStream fromChild;
  private CompletableFuture<Integer> served;

  @BeforeEach
  void serve() throws IOException {
    PipedInputStream childIn = new PipedInputStream(1 << 16);
    toChild = new PipedOutputStream(childIn);
    fromChild = new PipedInputStream(1 << 16);
    PipedOutputStream childOut = new PipedOutputStream(fromChild);
    ChildMain child =
        new ChildMain(
            codec, new JobExecutor(REGISTRY, Json.defaults()), childOut, halted::complete);
    served = CompletableFuture.supplyAsync(() -> child.serve(childIn));
    Frame ready = codec.read(fromChild);
    assertThat(ready).isInstanceOf(Frame.Ready.class);
    assertThat(((Frame.Ready) ready).tasks())
        .contains(BuiltinTasks.NOOP, ProcessTestTasks.BLOCK)
        .isSorted();
  }

  @AfterEach
  void closeInput() throws IOException {
    toChild.close();
  }

  @Test
  void runsJobsInOrderAndEndsAfterStop() throws Exception {
    send(run("a", BuiltinTasks.ECHO, "1"));
    send(run("b", BuiltinTasks.PRIMES, "{\"n\":7}"));
    send(run("c", BuiltinTasks.FAIL, "{\"message\":\"no\"}"));
    send(new Frame.Stop());
    send(run("after", BuiltinTasks.ECHO, "2"));
    toChild.close();

    assertThat(codec.read(fromChild)).isEqualTo(new Frame.Done("a", new Outcome.Succeeded("1")));
    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("b", new Outcome.Succeeded("{\"n\":7,\"prime\":true}")));
    Frame failed = codec.read(fromChild);
    assertThat(failed).isInstanceOf(Frame.Done.class);
    assertThat(((Frame.Done) failed).outcome()).isInstanceOf(Outcome.Failed.class);
    assertThat(status()).as("a Run after Stop is not run").isZero();
    assertThat(halted).isNotDone();
  }

  @Test
  void aJobSentWhileAnotherRunsWaitsForIt() throws Exception {
    send(run("steps", ProcessTestTasks.STEPS, "{\"steps\":3}"));
    send(run("echo", BuiltinTasks.ECHO, "\"second\""));

    List<Frame> frames = new java.util.ArrayList<>();
    Frame frame;
    do {
      frame = codec.read(fromChild);
      frames.add(frame);
    } while (!(frame instanceof Frame.Done done && done.jobId().equals("echo")));
    assertThat(frames.stream().filter(f -> f instanceof Frame.Done).toList())
        .containsExactly(
            new Frame.Done("steps", new Outcome.Succeeded("\"done\"")),
            new Frame.Done("echo", new Outcome.Succeeded("\"second\"")));
    assertThat(frames.indexOf(new Frame.Done("steps", new Outcome.Succeeded("\"done\""))))
        .as("every progress frame of the first job comes before its Done")
        .isEqualTo(frames.size() - 2);
  }

  @Test
  void rejectsABadLengthAndHaltsWithStatus2() throws Exception {
    toChild.write(ByteBuffer.allocate(4).putInt(-1).array());
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("bad frame length -1 (must be positive)"));
    assertThat(halt()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsAnOversizedLength() throws Exception {
    toChild.write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("frame length 2147483647 exceeds the limit of 64 MiB"));
    assertThat(halt()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsTextThatIsNotJson() throws Exception {
    byte[] junk = "not json at all".getBytes(StandardCharsets.UTF_8);
    toChild.write(ByteBuffer.allocate(4).putInt(junk.length).array());
    toChild.write(junk);
    toChild.flush();

    Frame reply = codec.read(fromChild);
    assertThat(reply).isInstanceOf(Frame.Rejected.class);
    assertThat(((Frame.Rejected) reply).message()).startsWith("frame is not valid JSON: ");
    assertThat(halt()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsAnUnknownFrameType() throws Exception {
    byte[] unknown =
        "{\"type\":\"load-class\",\"name\":\"java.lang.Runtime\"}".getBytes(StandardCharsets.UTF_8);
    toChild.write(ByteBuffer.allocate(4).putInt(unknown.length).array());
    toChild.write(unknown);
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("unknown frame type 'load-class'"));
    assertThat(halt()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsAFrameOnlyAChildSends() throws Exception {
    send(new Frame.Ready(1, List.of()));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("unexpected ready frame from the parent"));
    assertThat(halt()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void haltsWhenStdinClosesWithoutAStop() throws Exception {
    send(run("a", BuiltinTasks.ECHO, "1"));
    assertThat(codec.read(fromChild)).isEqualTo(new Frame.Done("a", new Outcome.Succeeded("1")));

    toChild.close();

    assertThat(halt()).as("the parent is gone").isZero();
  }

  @Test
  void cancelThatOvertakesItsJobCancelsItBeforeItStartsAndOneForAJobNotHereIsIgnored()
      throws Exception {
    send(run("first", ProcessTestTasks.AWAIT_CANCEL, "null"));
    assertThat(codec.read(fromChild)).isInstanceOf(Frame.Progress.class);
    send(run("second", BuiltinTasks.FAIL, "{\"message\":\"must not run\"}"));
    send(new Frame.Cancel("second"));
    send(new Frame.Cancel("first"));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("first", new Outcome.Cancelled("cancelled while running")));
    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("second", new Outcome.Cancelled("cancelled before it started")));

    send(new Frame.Cancel("elsewhere"));
    send(run("next", BuiltinTasks.ECHO, "true"));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("next", new Outcome.Succeeded("true")));
    assertThat(halted).isNotDone();
  }

  private static Frame.Run run(String id, String task, String input) {
    return new Frame.Run(id, task, "default", 1, 3, input);
  }

  private void send(Frame frame) throws IOException {
    codec.write(toChild, frame);
  }

  /** The status the child halted with, once it has, and what {@code serve} returned after. */
  private int halt() throws Exception {
    int status = halted.get(30, TimeUnit.SECONDS);
    assertThat(status()).isEqualTo(status);
    return status;
  }

  private int status() throws Exception {
    return served.get(30, TimeUnit.SECONDS);
  }
}
