package dev.semafor.jdbc.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of a test's own, for tests that take the server away (the shared one at 5432,
 * {@link PostgresTestServer}, is for everything else): {@code initdb} in a temporary folder,
 * started with {@code pg_ctl} on a free loopback port, run as user {@code postgres} when the test
 * runs as root. {@link #stop} and {@link #start} make and end an outage; {@link #close} stops it
 * and deletes the folder. Published in semafor-jdbc's test-jar for other modules' tests.
 *
 * <pre>{@code
 * try (ScratchPostgres server = ScratchPostgres.start()) {
 *   Broker broker = Brokers.open(server.url("app"));
 *   server.stop(); ... server.start();
 * }
 * }</pre>
 */
public final class ScratchPostgres implements AutoCloseable {
  private final Path bin;
  private final Path data;
  private final int port;
  private final boolean root = "root".equals(System.getProperty("user.name"));

  private ScratchPostgres(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /**
   * Makes and starts a new server. Skips the calling test (fails it under {@code CI=true}) if
   * {@code initdb} and {@code pg_ctl} are not installed under {@code /usr/lib/postgresql/}.
   */
  public static ScratchPostgres start() throws Exception {
    ScratchPostgres server =
        new ScratchPostgres(
            postgresBin(), Files.createTempDirectory("semafor-scratch-pg-"), freePort());
    try {
      server.init();
      server.startAgain();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** A broker URL for {@code schema} in this server's {@code postgres} database. */
  public String url(String schema) {
    return "postgres://postgres@127.0.0.1:" + port + "/postgres?schema=" + schema;
  }

  /** Starts the server again after {@link #stop}; returns once it accepts connections. */
  public void startAgain() throws Exception {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.resolve("db").toString(),
            "-l",
            data.resolve("server.log").toString(),
            "-o",
            "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start"),
        true);
  }

  /** Stops the server (fast shutdown: connections are cut); its data stays. */
  public void stop() throws Exception {
    pgCtlStop("fast");
  }

  /** Stops the server if it runs and deletes its folder. */
  @Override
  public void close() throws IOException {
    try {
      pgCtlStop("immediate");
    } catch (Exception e) {
      // not running
    }
    deleteTree(data);
  }

  private void init() throws Exception {
    if (root) {
      run(List.of("chown", "postgres", data.toString()), false);
    }
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.resolve("db").toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync"),
        true);
  }

  private void pgCtlStop(String mode) throws Exception {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.resolve("db").toString(),
            "-m",
            mode,
            "-w",
            "stop"),
        true);
  }

  private void run(List<String> command, boolean asPostgres) throws Exception {
    List<String> full = new ArrayList<>();
    if (root && asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
  }

  /**
   * The folder of {@code initdb} and {@code pg_ctl}; skips the test (fails it under CI) if none.
   */
  private static Path postgresBin() throws IOException {
    Path bin = installedBin();
    if (bin == null) {
      String message = "no initdb/pg_ctl under /usr/lib/postgresql/*/bin; test skipped";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message.replace("test skipped", "failing under CI=true"));
      }
      Assumptions.abort(message);
    }
    return bin;
  }

  /**
   * The folder of the newest installed {@code initdb} and {@code pg_ctl} under {@code
   * /usr/lib/postgresql/VERSION/bin}, or null if PostgreSQL's server programs are not installed.
   */
  public static Path installedBin() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        for (Path v : versions.sorted(Comparator.reverseOrder()).toList()) {
          if (Files.isExecutable(v.resolve("bin/initdb"))
              && Files.isExecutable(v.resolve("bin/pg_ctl"))) {
            return v.resolve("bin");
          }
        }
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
