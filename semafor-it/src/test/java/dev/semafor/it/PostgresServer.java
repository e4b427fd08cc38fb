package dev.semafor.it;

import dev.semafor.jdbc.testing.ScratchPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL on a simulated host: {@code initdb} in a temporary folder, then {@code pg_ctl start}
 * inside the host's namespace, run as user {@code postgres} (the server refuses root). Durable as
 * configured by default ({@code fsync} and {@code synchronous_commit} on): {@link #stop} is {@code
 * pg_ctl stop -m immediate}, a crash, and the next start replays the write-ahead log.
 */
final class PostgresServer extends BrokerServer {
  private static final int PORT = 5432;
  private final Path bin;
  private final String schema;
  private boolean initialized;

  PostgresServer(NetHosts net, String host, Path folder, String schema) throws IOException {
    super(net, host, folder);
    this.bin = bin();
    this.schema = schema;
  }

  /** The folder of {@code initdb} and {@code pg_ctl}, or null if PostgreSQL is not installed. */
  static Path bin() throws IOException {
    return ScratchPostgres.installedBin();
  }

  @Override
  int port() {
    return PORT;
  }

  @Override
  String name() {
    return "PostgreSQL";
  }

  @Override
  String url(String address, int port) {
    return "postgres://postgres@" + address + ":" + port + "/postgres?schema=" + schema;
  }

  @Override
  void start() throws IOException {
    if (!initialized) {
      check(NetHosts.run(List.of("chown", "postgres", folder.toString())), "chown");
      check(
          NetHosts.run(
              asPostgres(
                  bin.resolve("initdb").toString(),
                  "-D",
                  data(),
                  "-A",
                  "trust",
                  "-U",
                  "postgres",
                  "--no-sync")),
          "initdb");
      // the other hosts connect from the hosts' network, which initdb's rules do not cover
      Files.writeString(
          Path.of(data(), "pg_hba.conf"),
          "host all all " + NetHosts.SUBNET + " trust\n",
          StandardOpenOption.APPEND);
      initialized = true;
    }
    String address = net.host(host).address();
    check(
        net.exec(
            host,
            asPostgres(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    data(),
                    "-l",
                    folder.resolve("server.log").toString(),
                    "-o",
                    "-p "
                        + PORT
                        + " -k "
                        + folder
                        + " -c listen_addresses="
                        + address
                        + ",127.0.0.1",
                    "-w",
                    "-t",
                    "60",
                    "start")
                .toArray(String[]::new)),
        "pg_ctl start");
  }

  @Override
  void stop() throws IOException {
    if (!initialized || !Files.exists(Path.of(data(), "postmaster.pid"))) {
      return;
    }
    check(
        NetHosts.run(
            asPostgres(
                bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop")),
        "pg_ctl stop");
  }

  private String data() {
    return folder.resolve("db").toString();
  }

  private static List<String> asPostgres(String... command) {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    return full;
  }

  private void check(NetHosts.Result r, String what) throws IOException {
    if (r.code() != 0) {
      String log = "";
      Path serverLog = folder.resolve("server.log");
      if (Files.exists(serverLog)) {
        log = "; server log: " + Files.readString(serverLog).strip();
      }
      throw new IOException(what + " failed (exit " + r.code() + "): " + r.output().strip() + log);
    }
  }
}
