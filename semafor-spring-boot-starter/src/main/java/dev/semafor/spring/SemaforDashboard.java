package dev.semafor.spring;

import dev.semafor.TaskRegistry;
import dev.semafor.server.DashboardServer;
import dev.semafor.spi.Broker;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Semafor's dashboard and HTTP API ({@link DashboardServer}) over the application's broker and
 * tasks, in one of two ways.
 *
 * <ul>
 *   <li><b>Under a path</b> ({@code semafor.dashboard.path}, such as {@code /semafor}): served by
 *       the application's own servlet web server ({@link #servlet()}, registered by the starter),
 *       so the application's filters, Spring Security among them, see every request. The server
 *       exists from the start (the web server registers its servlet before the context starts);
 *       starting begins its sampling of queue counts, and the bean's destruction ends it.
 *   <li><b>On a port of its own</b> (no path): its own Javalin server, started and stopped with the
 *       context, bound to loopback unless {@code semafor.dashboard.bind} says otherwise, and then
 *       requiring {@code semafor.dashboard.token}; the application's security does not see it.
 * </ul>
 */
public final class SemaforDashboard implements SmartLifecycle, DisposableBean {
  static final String PATH = "semafor.dashboard.path";

  private final SemaforProperties.Dashboard settings;
  private final Broker broker;
  private final TaskRegistry registry;

  /** Mounted: built at once and kept for the bean's life. Standalone: while running. */
  private volatile DashboardServer server;

  private volatile boolean running;
  private volatile boolean registered;

  /** Mounted: whether the server's sampling has been started (once for the bean's life). */
  private boolean sampling;

  SemaforDashboard(SemaforProperties.Dashboard settings, Broker broker, TaskRegistry registry) {
    this.settings = settings;
    this.broker = broker;
    this.registry = registry;
    if (settings.getPath() != null) {
      checkPath(settings.getPath());
      this.server = build(DashboardServer.builder(broker).registry(registry).mounted());
    }
  }

  /** The server: always when mounted; while running when on a port of its own; else null. */
  public DashboardServer server() {
    return server;
  }

  /** The mount path ({@code /semafor}), or null when the dashboard has a port of its own. */
  public String path() {
    return settings.getPath();
  }

  /** The servlet to register under {@link #path()}{@code /*}; only when mounted. */
  jakarta.servlet.http.HttpServlet servlet() {
    registered = true;
    return server.servlet();
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    if (settings.getPath() != null) {
      if (!registered) {
        throw new InvalidSemaforPropertyException(
            PATH,
            settings.getPath(),
            "the dashboard is served by the application's own servlet web server, and this"
                + " application has none (add spring-boot-starter-webmvc, or unset the path to"
                + " give the dashboard a port of its own)");
      }
      if (!sampling) {
        server.start(); // mounted: starts its sampling only
        sampling = true;
      }
    } else {
      DashboardServer.Builder b = DashboardServer.builder(broker).registry(registry);
      try {
        b.bind(settings.getBind()).port(settings.getPort());
      } catch (IllegalArgumentException e) {
        throw invalid(e);
      }
      server = build(b).start();
    }
    running = true;
  }

  private DashboardServer build(DashboardServer.Builder b) {
    try {
      if (settings.getToken() != null && !settings.getToken().isBlank()) {
        b.token(settings.getToken());
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(e);
    }
  }

  private InvalidSemaforPropertyException invalid(RuntimeException e) {
    return new InvalidSemaforPropertyException(
        "semafor.dashboard", settings.getBind() + ":" + settings.getPort(), e.getMessage(), e);
  }

  private static void checkPath(String path) {
    if (!path.startsWith("/")
        || path.length() < 2
        || path.endsWith("/")
        || path.contains("*")
        || path.contains("?")
        || path.contains("#")) {
      throw new InvalidSemaforPropertyException(
          PATH, path, "must be a path such as /semafor: a leading slash, no trailing one, no *");
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (settings.getPath() == null) {
      DashboardServer s = server;
      server = null;
      if (s != null) {
        s.close();
      }
    } // mounted: the servlet stays registered for the bean's life; destroy ends the sampling
  }

  @Override
  public void destroy() {
    DashboardServer s = server;
    if (s != null && settings.getPath() != null) {
      s.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return SemaforWorkerLifecycle.PHASE + 1;
  }
}
