package dev.semafor.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code semafor} process on this test's classpath, its output in files under a folder. */
final class CliProcess {
  private CliProcess() {}

  /** Starts {@code semafor ARGS}; stdout goes to {@code dir/out.txt}, stderr to {@code err.txt}. */
  static Process start(Path dir, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  static String err(Path dir) throws IOException {
    return Files.readString(dir.resolve("err.txt"));
  }

  /** Sends SIGINT, as Ctrl-C on a terminal does. */
  static void interrupt(Process p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -INT " + p.pid() + " failed");
    }
  }

  /**
   * Whether SIGINT is ignored in this process (and so in its children): started in the background
   * by a shell without job control, a JVM never sees Ctrl-C, and neither does a test of it.
   */
  static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return true;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseLong(line.substring(7).trim(), 16);
        return (mask & (1L << (2 - 1))) != 0;
      }
    }
    return true;
  }
}
