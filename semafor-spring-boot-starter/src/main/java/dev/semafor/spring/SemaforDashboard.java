package dev.semafor.spring;

import dev.semafor.TaskRegistry;
import dev.semafor.broker.Broker;
import dev.semafor.server.DashboardServer;
import org.springframework.context.SmartLifecycle;

/**
 * Semafor's dashboard and HTTP API ({@link DashboardServer}) served by the application, on a port
 * of their own: the server runs its own Javalin (Jetty 11), and its pages use root paths, so it
 * cannot yet be served under a path of the application's. It binds to loopback unless {@code
 * semafor.dashboard.bind} says otherwise, and then requires {@code semafor.dashboard.token}; the
 * application's Spring Security does not see its requests.
 */
public final class SemaforDashboard implements SmartLifecycle {
  private final SemaforProperties.Dashboard settings;
  private final Broker broker;
  private final TaskRegistry registry;
  private volatile DashboardServer server;

  SemaforDashboard(SemaforProperties.Dashboard settings, Broker broker, TaskRegistry registry) {
    this.settings = settings;
    this.broker = broker;
    this.registry = registry;
  }

  /** The running server, or null. */
  public DashboardServer server() {
    return server;
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    DashboardServer.Builder b = DashboardServer.builder(broker).registry(registry);
    try {
      b.bind(settings.getBind()).port(settings.getPort());
      if (settings.getToken() != null && !settings.getToken().isBlank()) {
        b.token(settings.getToken());
      }
      server = b.build().start();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSemaforPropertyException(
          "semafor.dashboard", settings.getBind() + ":" + settings.getPort(), e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop() {
    DashboardServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  @Override
  public int getPhase() {
    return SemaforWorkerLifecycle.PHASE + 1;
  }
}
