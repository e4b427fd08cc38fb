package dev.semafor.it;

import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The hosts of a fault test: {@code broker} (the server), {@code producer} (the test's own way in,
 * through a {@link Tunnel}) and {@code w1}..{@code w3} (worker processes), with a {@link
 * BrokerServer} on {@code broker}. The test JVM enqueues and looks at jobs through {@link #broker},
 * whose connections leave from host {@code producer}. {@link #close} stops the server and deletes
 * every namespace, whatever state a failed test left them in.
 */
final class Hosts implements AutoCloseable {
  static final String BROKER = "broker";
  static final String PRODUCER = "producer";
  static final List<String> WORKERS = List.of("w1", "w2", "w3");

  /** Makes a server for the hosts: {@code (net, host, folder, keyspace)}. */
  @FunctionalInterface
  interface ServerFactory {
    BrokerServer create(NetHosts net, String host, Path folder, String keyspace) throws IOException;
  }

  final NetHosts net;
  final Path folder;
  final BrokerServer server;
  private final Tunnel tunnel;
  final Broker broker;
  final Client client;

  private Hosts(NetHosts net, Path folder, BrokerServer server, Tunnel tunnel, Broker broker) {
    this.net = net;
    this.folder = folder;
    this.server = server;
    this.tunnel = tunnel;
    this.broker = broker;
    this.client = new Client(broker);
  }

  static Hosts create(ServerFactory factory) throws IOException {
    // readable by all: a PostgreSQL server runs as user postgres on a folder inside it
    Path folder =
        Files.createTempDirectory(
            "semafor-it-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    List<String> names = new ArrayList<>(List.of(BROKER, PRODUCER));
    names.addAll(WORKERS);
    NetHosts net = NetHosts.create(names.toArray(String[]::new));
    BrokerServer server = null;
    Tunnel tunnel = null;
    try {
      String keyspace = "it_" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
      server =
          factory.create(net, BROKER, Files.createDirectory(folder.resolve("server")), keyspace);
      server.start();
      tunnel = Tunnel.open(net, PRODUCER, net.host(BROKER).address(), server.port(), folder);
      Broker broker =
          Brokers.open(
              server.url(
                  tunnel.address().getAddress().getHostAddress(), tunnel.address().getPort()));
      return new Hosts(net, folder, server, tunnel, broker);
    } catch (IOException | RuntimeException e) {
      closeAll(tunnel, server, net);
      deleteTree(folder);
      throw e;
    }
  }

  /** A fresh folder for one test's worker logs and execution log. */
  Path testFolder(String name) throws IOException {
    return Files.createDirectories(folder.resolve(name));
  }

  /** Enqueues {@code n} jobs of {@code task} with {@code input}; their ids. */
  List<String> enqueue(String queue, String task, Object input, int n, int maxAttempts) {
    JobOptions options = JobOptions.defaults().queue(queue).maxAttempts(maxAttempts);
    List<String> ids = new ArrayList<>();
    for (int done = 0; done < n; ) {
      int batch = Math.min(500, n - done);
      for (JobHandle h :
          client.enqueueAll(Collections.nCopies(batch, new JobRequest(task, input, options)))) {
        ids.add(h.id());
      }
      done += batch;
    }
    return ids;
  }

  /** Every job of {@code queue}. */
  List<JobRecord> jobs(String queue) {
    List<JobRecord> all = new ArrayList<>();
    JobQuery q = JobQuery.all().queue(queue);
    for (int offset = 0; ; offset += JobQuery.MAX_LIMIT) {
      List<JobRecord> page = broker.query(q.page(JobQuery.MAX_LIMIT, offset));
      all.addAll(page);
      if (page.size() < JobQuery.MAX_LIMIT) {
        return all;
      }
    }
  }

  List<JobRecord> jobs(String queue, Predicate<JobRecord> filter) {
    return jobs(queue).stream().filter(filter).toList();
  }

  long count(String queue, JobState state) {
    return jobs(queue, j -> j.state() == state).size();
  }

  /** True once every one of {@code ids} is registered with the broker as a worker. */
  boolean registered(List<String> ids) {
    List<String> live = broker.workers().stream().map(w -> w.id()).toList();
    return live.containsAll(ids);
  }

  @Override
  public void close() {
    try {
      broker.close();
    } catch (RuntimeException e) {
      // the server may be gone already
    }
    closeAll(tunnel, server, net);
    deleteTree(folder);
  }

  /**
   * Deletes {@code dir} and everything in it; what cannot be deleted stays (a temporary folder).
   */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder is no reason to fail a test
    }
  }

  private static void closeAll(Tunnel tunnel, BrokerServer server, NetHosts net) {
    try {
      if (tunnel != null) {
        tunnel.close();
      }
    } catch (IOException e) {
      // the namespaces go below all the same
    } finally {
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        net.close();
      }
    }
  }
}
