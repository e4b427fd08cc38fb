package dev.semafor.it;

import dev.semafor.cli.Main;
import dev.semafor.task.ExecutionLog;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Worker processes on simulated hosts: each is {@code semafor worker} (the command line's own entry
 * point, on this JVM's class path, so it finds the test tasks of {@link ItTasks} too) started on a
 * host through {@code ip netns exec}, with its output in a file of its own and {@link
 * ExecutionLog#ENV} naming the run's execution log. {@link #close} kills whatever is left.
 */
final class Fleet implements AutoCloseable {
  /** Each worker's metrics port, on its host's loopback (a host runs one worker at a time). */
  static final int METRICS_PORT = 9400;

  private final NetHosts net;
  private final Path folder;
  private final String brokerUrl;
  private final String queue;
  private final List<String> jvmOptions;
  private final List<Member> members = new ArrayList<>();

  /** One worker process: its id, its host, the process, its output. */
  record Member(String id, String host, Process process, Path log) {
    long pid() {
      return process.pid(); // 'ip netns exec' execs the command: this is the JVM's pid
    }

    String output() throws IOException {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
  }

  Fleet(NetHosts net, Path folder, String brokerUrl, String queue, List<String> jvmOptions) {
    this.net = net;
    this.folder = folder;
    this.brokerUrl = brokerUrl;
    this.queue = queue;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /** The run's execution log, which {@code semafor.chaos} jobs append to. */
  Path executionLog() {
    return folder.resolve("executions.log");
  }

  /** {@code java [jvmOptions] -cp <this JVM's class path> main args}. */
  static List<String> java(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  static List<String> java(Class<?> main, String... args) {
    return java(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1"), main, args);
  }

  /**
   * Starts {@code semafor worker --broker URL --queues QUEUE --id ID --metrics-port 9400 [flags]}
   * on {@code host}.
   */
  Member start(String host, String id, String... flags) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "--broker",
                brokerUrl,
                "--queues",
                queue,
                "--id",
                id,
                "--metrics-port",
                Integer.toString(METRICS_PORT)));
    args.addAll(List.of(flags));
    Path log = folder.resolve(id + ".log");
    ProcessBuilder builder =
        net.on(host, java(jvmOptions, Main.class, args.toArray(String[]::new)))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put(ExecutionLog.ENV, executionLog().toString());
    Member m = new Member(id, host, net.start(builder), log);
    synchronized (members) {
      members.add(m);
    }
    return m;
  }

  List<Member> members() {
    synchronized (members) {
      return List.copyOf(members);
    }
  }

  /** The worker's Prometheus text, fetched on its host; empty if it does not answer. */
  String metrics(Member m) throws IOException {
    NetHosts.Result r =
        net.exec(
            m.host(),
            "curl",
            "-s",
            "--max-time",
            "5",
            "http://127.0.0.1:" + METRICS_PORT + "/metrics");
    return r.code() == 0 ? r.output() : "";
  }

  /** The value of counter {@code name} (summed over its labels) in {@code m}'s metrics. */
  double counter(Member m, String name) throws IOException {
    double sum = 0;
    for (String line : metrics(m).lines().toList()) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Kills every worker still running and waits for it. */
  @Override
  public void close() {
    for (Member m : members()) {
      m.process().destroyForcibly();
    }
    for (Member m : members()) {
      try {
        m.process().waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
