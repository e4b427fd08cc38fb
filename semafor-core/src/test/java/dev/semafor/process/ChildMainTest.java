package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Json;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child JVM driven frame by frame, the way its parent drives it, for what only a process
 * shows: its exit statuses, its stderr, a halt mid-job, its shutdown hooks. The handling of each
 * frame is tested in this JVM by {@link ChildMainProtocolTest}.
 */
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
