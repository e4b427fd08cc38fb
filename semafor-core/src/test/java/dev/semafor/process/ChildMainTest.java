package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Json;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM driven frame by frame, the way its parent drives it. */
class ChildMainTest {
  private final FrameCodec codec = new FrameCodec(Json.defaults());
  @TempDir Path temp;
  private Process child;
  private OutputStream toChild;
  private InputStream fromChild;
  private Path stderr;

  @BeforeEach
  void startChild() throws IOException {
    stderr = temp.resolve("stderr.txt");
    List<String> command = ChildCommand.ofCurrentJvm(PoolFixture.CHILD_JVM, List.of()).toList();
    child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    toChild = child.getOutputStream();
    fromChild = child.getInputStream();
    Frame ready = codec.read(fromChild);
    assertThat(ready).isInstanceOf(Frame.Ready.class);
    assertThat(((Frame.Ready) ready).pid()).isEqualTo(child.pid());
    assertThat(((Frame.Ready) ready).tasks())
        .contains(BuiltinTasks.NOOP, ProcessTestTasks.BLOCK)
        .isSorted();
  }

  @AfterEach
  void killChild() {
    child.destroyForcibly();
  }

  @Test
  void runsJobsInOrderAndExitsAfterStop() throws Exception {
    send(run("a", BuiltinTasks.ECHO, "1"));
    send(run("b", BuiltinTasks.PRIMES, "{\"n\":7}"));
    send(new Frame.Stop());

    assertThat(codec.read(fromChild)).isEqualTo(new Frame.Done("a", new Outcome.Succeeded("1")));
    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("b", new Outcome.Succeeded("{\"n\":7,\"prime\":true}")));
    assertThat(exitCode()).isZero();
  }

  @Test
  void rejectsABadLengthAndExitsWithStatus2() throws Exception {
    toChild.write(ByteBuffer.allocate(4).putInt(-1).array());
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("bad frame length -1 (must be positive)"));
    assertThat(exitCode()).isEqualTo(ChildMain.EXIT_PROTOCOL);
    assertThat(Files.readString(stderr))
        .contains(
            "semafor child: rejected a malformed frame from the parent:"
                + " bad frame length -1 (must be positive)");
  }

  @Test
  void rejectsAnOversizedLength() throws Exception {
    toChild.write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("frame length 2147483647 exceeds the limit of 64 MiB"));
    assertThat(exitCode()).isEqualTo(ChildMain.EXIT_PROTOCOL);
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
    assertThat(exitCode()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsAnUnknownFrameTypeAndAFrameMeantForTheParent() throws Exception {
    byte[] unknown =
        "{\"type\":\"load-class\",\"name\":\"java.lang.Runtime\"}".getBytes(StandardCharsets.UTF_8);
    toChild.write(ByteBuffer.allocate(4).putInt(unknown.length).array());
    toChild.write(unknown);
    toChild.flush();

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("unknown frame type 'load-class'"));
    assertThat(exitCode()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void rejectsAFrameOnlyAChildSends() throws Exception {
    send(new Frame.Ready(1, List.of()));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Rejected("unexpected ready frame from the parent"));
    assertThat(exitCode()).isEqualTo(ChildMain.EXIT_PROTOCOL);
  }

  @Test
  void exitsAtOnceWhenStdinClosesEvenMidJob() throws Exception {
    send(run("busy", ProcessTestTasks.BLOCK, "null"));
    Frame started = codec.read(fromChild);
    assertThat(started).isInstanceOf(Frame.Progress.class);

    toChild.close();

    assertThat(exitCode()).isZero();
  }

  @Test
  void stdinClosedAfterStopLetsTheQueueFinishAndExitsNormally() throws Exception {
    send(run("hook", ProcessTestTasks.HOOK, "null"));
    send(run("slow", BuiltinTasks.PRIMES, "{\"n\":3333333333333301}"));
    send(run("last", BuiltinTasks.ECHO, "\"done\""));
    send(new Frame.Stop());
    toChild.close(); // as the pool does after Stop: the end of stdin is not the parent's death

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("hook", new Outcome.Succeeded("null")));
    assertThat(codec.read(fromChild))
        .isEqualTo(
            new Frame.Done(
                "slow", new Outcome.Succeeded("{\"n\":3333333333333301,\"prime\":true}")));
    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("last", new Outcome.Succeeded("\"done\"")));
    assertThat(exitCode()).isZero();
    assertThat(Files.readString(stderr))
        .as("an exit, not a halt")
        .contains(ProcessTestTasks.HOOK_RAN);
  }

  @Test
  void cancelThatOvertakesItsJobCancelsItBeforeItStartsAndOneForAJobNotHereIsIgnored()
      throws Exception {
    send(run("first", ProcessTestTasks.AWAIT_CANCEL, "null"));
    assertThat(codec.read(fromChild)).isInstanceOf(Frame.Progress.class);
    send(run("second", ProcessTestTasks.EXIT, "{\"code\":9}"));
    send(new Frame.Cancel("second"));
    send(new Frame.Cancel("first"));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("first", new Outcome.Cancelled("cancelled while running")));
    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("second", new Outcome.Cancelled("cancelled before it started")));
    assertThat(child.isAlive()).isTrue();

    // A cancel for a job not here is ignored (on the same child: a child costs its start).
    send(new Frame.Cancel("elsewhere"));
    send(run("next", BuiltinTasks.ECHO, "true"));

    assertThat(codec.read(fromChild))
        .isEqualTo(new Frame.Done("next", new Outcome.Succeeded("true")));
  }

  private static Frame.Run run(String id, String task, String input) {
    return new Frame.Run(id, task, "default", 1, 3, input);
  }

  private void send(Frame frame) throws IOException {
    codec.write(toChild, frame);
  }

  private int exitCode() throws InterruptedException {
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
    return child.exitValue();
  }
}
