package dev.semafor.jdbc;

import dev.semafor.jdbc.it.WorkerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker processes for the multi-process tests: each a JVM running {@link WorkerMain} on the test
 * classpath. Start them, wait for each to say {@code READY} ({@link #awaitLine}), then start them
 * all at once ({@link #go}); {@link #close} kills whatever is left.
 */
final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();

  /**
   * Starts a worker process on {@code url} with {@code config}; it logs what it ran to {@code log}.
   */
  Process start(String url, String config, Path log) throws IOException {
    return start(WorkerMain.class, url, config, log.toString());
  }

  /** Starts {@code main} with {@code args} in a JVM of its own on the test classpath. */
  Process start(Class<?> main, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  /** Reads the process's output until a line starts with {@code prefix}. */
  static void awaitLine(Process p, String prefix) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        drain(out);
        return;
      }
    }
    throw new AssertionError("worker process ended before printing " + prefix);
  }

  /** Keeps reading the rest of the output so that the process never blocks on a full pipe. */
  private static void drain(BufferedReader out) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discarded; the process's log level keeps this short
                }
              } catch (IOException e) {
                // the process is gone
              }
            });
  }

  /** Lets a process that printed {@code READY} start its worker. */
  static void go(Process p) throws IOException {
    OutputStream in = p.getOutputStream();
    in.write("go\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  List<Process> all() {
    return processes;
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
