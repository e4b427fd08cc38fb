package dev.semafor.tck.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker <em>processes</em> for a backend's multi-process tests: each runs {@link WorkerMain} on
 * this JVM's class path against one broker URL. Start them, wait for each one's {@code READY}, then
 * {@link #go} them all at once; {@link #close} kills whatever is left.
 *
 * <pre>{@code
 * try (WorkerProcesses workers = new WorkerProcesses()) {
 *   Process p = workers.start(url, "model=virtual,concurrency=32,burst=true,id=proc-1", log);
 *   WorkerProcesses.awaitLine(p, "READY");
 *   WorkerProcesses.go(p);
 * }
 * }</pre>
 */
public final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();

  /** Starts a worker process: {@code WorkerMain url config runLog}. */
  public Process start(String url, String config, Path runLog) throws IOException {
    return start(WorkerMain.class, url, config, runLog.toString());
  }

  /** Starts {@code main} with {@code args} in a JVM of its own on the test classpath. */
  public Process start(Class<?> main, String... args) throws IOException {
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

  /** Every process started so far, in order. */
  public List<Process> all() {
    return processes;
  }

  /** Reads the process's output until a line starts with {@code prefix}, then drains the rest. */
  public static void awaitLine(Process p, String prefix) throws IOException {
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

  /** Tells a ready process to start its worker. */
  public static void go(Process p) throws IOException {
    OutputStream in = p.getOutputStream();
    in.write("go\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Kills every process still running. */
  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
