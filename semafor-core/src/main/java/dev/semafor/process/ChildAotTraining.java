package dev.semafor.process;

import dev.semafor.task.BuiltinTasks;
import dev.semafor.task.BuiltinTasks.PrimesInput;
import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.WarmUpJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains the AOT cache of process-pool children (JDK 25+): {@code java -cp JAR
 * dev.semafor.process.ChildAotTraining FILE} starts one child as a pool with the default options
 * would (this JVM's {@code java} and class path, {@link ChildJvmOptions#DEFAULTS}), recording into
 * {@code FILE} with {@code -XX:AOTCacheOutput}, with {@link #JOBS} as its warm-up jobs so that the
 * training sees the codec, Jackson and the built-in tasks at work. The child finds its stdin closed
 * once it is ready and exits, and its JVM writes the cache. Exits 0 if the cache was written, 1 if
 * not. The {@code semafor} launcher runs it once per build; a pool's children use the cache named
 * by {@value ChildCommand#AOT_CACHE_PROPERTY} ({@link ChildCommand}).
 */
public final class ChildAotTraining {
  /**
   * The training child's warm-up jobs: each built-in task a CLI child is likely to run, each way.
   */
  static final List<WarmUpJob> JOBS =
      List.of(
          WarmUpJob.of(BuiltinTasks.PRIMES, new PrimesInput(1_000_000_000_039L)),
          WarmUpJob.of(BuiltinTasks.PRIMES, new PrimesInput(999_983L * 1_000_003L)),
          WarmUpJob.of(BuiltinTasks.PRIMES, new PrimesInput(2)),
          WarmUpJob.of(BuiltinTasks.PRIMES, new PrimesInput(4)),
          WarmUpJob.of(BuiltinTasks.ECHO, Map.of("text", "héllo", "n", List.of(1, 2.5, true))),
          WarmUpJob.of(BuiltinTasks.NOOP, null),
          WarmUpJob.parse(BuiltinTasks.FAIL + "={\"message\":\"training\"}"));

  private ChildAotTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: ChildAotTraining CACHE-FILE");
      System.exit(2);
    }
    Path output = Path.of(args[0]).toAbsolutePath();
    Files.deleteIfExists(output);
    Process child =
        command(ChildCommand.ofCurrentJvm(ChildJvmOptions.DEFAULTS, List.of(), JOBS), output)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    child.getOutputStream().close(); // ready, then the end of stdin: the child exits
    int code = child.waitFor();
    boolean written = Files.isRegularFile(output) && Files.size(output) > 0;
    System.exit(code == 0 && written ? 0 : 1);
  }

  /** {@code command}'s process builder, recording into {@code output} instead of sharing. */
  static ProcessBuilder command(ChildCommand command, Path output) {
    List<String> line = new ArrayList<>();
    for (String option : command.toList()) {
      line.add(
          option.equals("-Xshare:auto") || option.startsWith("-XX:AOTCache=")
              ? "-XX:AOTCacheOutput=" + output
              : option);
    }
    return command.processBuilder().command(line);
  }
}
