package dev.semafor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Separate hosts on one machine, for tests of what crosses a network: each host is a Linux network
 * namespace with one interface ({@code eth0}) cabled by a veth pair to a bridge that lives in a
 * namespace of its own (the switch). Addresses come from {@link #SUBNET}, which exists only inside
 * these namespaces: the machine's own namespace gets no address or route into it, so nothing a test
 * sends can leave the machine. A process runs on a host through {@code ip netns exec}.
 *
 * <p>Faults: {@link #cut} takes a host's cable out (its switch-side veth goes down), {@link
 * #restore} puts it back; a slow link is a {@link DelayRelay} on the way.
 *
 * <p>Everything made is named {@code sf<tag>…} with a tag of this instance, and {@link #close}
 * deletes it, also after a failed test; a shutdown hook does the same if the JVM ends first.
 * Deleting a namespace kills nothing by itself, so close also kills the processes it started. Needs
 * root and {@code ip netns}: see {@link #unavailableReason}.
 */
final class NetHosts implements AutoCloseable {
  /** The hosts' network: the switch's side has none, host i (from 1) gets 10.213.0.(i + 1). */
  static final String SUBNET = "10.213.0.0/24";

  private final String tag;
  private final String switchNs;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanup;
  private boolean closed;

  /** One host: its name in the test, its namespace, its address, its cable's switch end. */
  record Host(String name, String namespace, String address, String cable) {}

  private NetHosts() {
    tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    switchNs = "sf" + tag + "sw";
    cleanup = new Thread(this::closeQuietly, "nethosts-cleanup-" + tag);
  }

  /**
   * Why hosts cannot be made here, or null if they can: not root, or no working {@code ip netns}.
   */
  static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
    }
    try {
      Result r = run(List.of("ip", "netns", "list"));
      return r.code() == 0 ? null : "'ip netns list' failed: " + r.output().strip();
    } catch (IOException e) {
      return "no 'ip' command: " + e.getMessage();
    }
  }

  /** Makes the switch and one host per name, cabled and addressed, each host's loopback up. */
  static NetHosts create(String... names) throws IOException {
    NetHosts net = new NetHosts();
    Runtime.getRuntime().addShutdownHook(net.cleanup);
    try {
      net.ip("netns", "add", net.switchNs);
      net.ipIn(net.switchNs, "link", "set", "lo", "up");
      net.ipIn(net.switchNs, "link", "add", "br0", "type", "bridge");
      net.ipIn(net.switchNs, "link", "set", "br0", "up");
      for (String name : names) {
        net.addHost(name);
      }
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  private void addHost(String name) throws IOException {
    int index = hosts.size() + 1;
    String ns = "sf" + tag + "h" + index;
    String inside = "sf" + tag + "i" + index;
    String outside = "sf" + tag + "o" + index;
    String address = "10.213.0." + (index + 1);
    ip("netns", "add", ns);
    hosts.put(
        name, new Host(name, ns, address, outside)); // known before it is whole: close sees it
    ip("link", "add", inside, "type", "veth", "peer", "name", outside);
    ip("link", "set", inside, "netns", ns);
    ip("link", "set", outside, "netns", switchNs);
    ipIn(switchNs, "link", "set", outside, "master", "br0");
    ipIn(switchNs, "link", "set", outside, "up");
    ipIn(ns, "link", "set", inside, "name", "eth0");
    ipIn(ns, "addr", "add", address + "/24", "dev", "eth0");
    ipIn(ns, "link", "set", "eth0", "up");
    ipIn(ns, "link", "set", "lo", "up");
  }

  Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host '" + name + "'; hosts: " + hosts.keySet());
    }
    return h;
  }

  /** Takes {@code name}'s cable out: nothing reaches it or leaves it until {@link #restore}. */
  void cut(String name) throws IOException {
    ipIn(switchNs, "link", "set", host(name).cable(), "down");
  }

  /** Puts {@code name}'s cable back. */
  void restore(String name) throws IOException {
    ipIn(switchNs, "link", "set", host(name).cable(), "up");
  }

  /** A process builder that runs {@code command} on host {@code name}. */
  ProcessBuilder on(String name, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host(name).namespace()));
    full.addAll(command);
    return new ProcessBuilder(full);
  }

  /** Starts {@code builder} (made by {@link #on}) and kills it at {@link #close}. */
  Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** Runs {@code command} on host {@code name} to its end (at most 60 s); its exit and output. */
  Result exec(String name, String... command) throws IOException {
    return run(on(name, List.of(command)).redirectErrorStream(true).command());
  }

  /** The namespaces this instance made and has not deleted, for tests of the harness itself. */
  List<String> namespaces() {
    List<String> all = new ArrayList<>();
    all.add(switchNs);
    hosts.values().forEach(h -> all.add(h.namespace()));
    return all;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (processes) {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      for (Process p : processes) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    // Deleting a namespace deletes the veth ends inside it, and with them their peers.
    for (String ns : namespaces()) {
      try {
        run(List.of("ip", "netns", "del", ns));
      } catch (IOException e) {
        // try the others: a namespace that cannot be deleted must not keep the rest alive
      }
    }
    if (Thread.currentThread() != cleanup) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs close, which is a no-op now
      }
    }
  }

  private void closeQuietly() {
    close();
  }

  private void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    check(run(command), command);
  }

  private void ipIn(String ns, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
    command.addAll(List.of(args));
    check(run(command), command);
  }

  private static void check(Result r, List<String> command) throws IOException {
    if (r.code() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + r.output().strip());
    }
  }

  /** A finished command: its exit code and its output (stdout and stderr together). */
  record Result(int code, String output) {}

  static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within 60 s");
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
