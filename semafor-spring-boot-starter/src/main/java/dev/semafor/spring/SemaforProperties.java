package dev.semafor.spring;

import dev.semafor.ExecutionModel;
import dev.semafor.server.DashboardServer;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Semafor's {@code semafor.*} properties. Checked when the beans that use them are made: a bad
 * value fails start-up with {@link InvalidSemaforPropertyException}, which names the property.
 */
@ConfigurationProperties("semafor")
public class SemaforProperties {
  /**
   * The broker's URL: "sqlite:FILE" (the embedded default), "memory:", or a shared broker's URL
   * such as "postgres://host/db".
   */
  private String broker = Brokers.DEFAULT_URL;

  private final Worker worker = new Worker();
  private final Metrics metrics = new Metrics();
  private final Schedules schedules = new Schedules();
  private final Dashboard dashboard = new Dashboard();

  public String getBroker() {
    return broker;
  }

  public void setBroker(String broker) {
    this.broker = broker;
  }

  public Worker getWorker() {
    return worker;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Schedules getSchedules() {
    return schedules;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  /** The worker the application runs: it starts and stops with the application context. */
  public static class Worker {
    /** Whether this application runs a worker (false: it only enqueues). */
    private boolean enabled = true;

    /** The queues the worker serves, in the order it serves them. */
    private List<String> queues = new ArrayList<>(WorkerConfig.DEFAULT_QUEUES);

    /** The execution model: sequential, threads, virtual or processes. */
    private ExecutionModel model = ExecutionModel.THREADS;

    /** How many jobs run at once; unset: the model's default (1, cores, 100, cores). */
    private Integer concurrency;

    /**
     * How long running jobs may finish when the application stops; jobs still running then are
     * interrupted and retried. Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownGrace = WorkerConfig.DEFAULT_GRACE;

    /** How long a lease lasts without a heartbeat before another worker may take the job. */
    private Duration leaseDuration = WorkerConfig.DEFAULT_LEASE;

    /** How often the worker extends the leases of the jobs it holds; shorter than the lease. */
    private Duration heartbeatInterval = WorkerConfig.DEFAULT_HEARTBEAT;

    /** How long an idle worker waits before it looks for jobs again (when not woken). */
    private Duration pollInterval = WorkerConfig.DEFAULT_POLL;

    /** Finished jobs older than this are pruned; unset keeps them. */
    private Duration retention;

    /** The worker's id; unset: one made from the host and process. */
    private String id;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public ExecutionModel getModel() {
      return model;
    }

    public void setModel(ExecutionModel model) {
      this.model = model;
    }

    public Integer getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
      this.concurrency = concurrency;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public Duration getLeaseDuration() {
      return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
    }

    public Duration getHeartbeatInterval() {
      return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }
  }

  /** The worker's meters in the application's Micrometer registry. */
  public static class Metrics {
    /** Whether the worker's semafor.* meters go to the application's MeterRegistry. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Cron schedules declared with {@code @SemaforTask(cron = ...)}. */
  public static class Schedules {
    /** The time zone of cron expressions that name none; unset: the system's. */
    private ZoneId zone;

    public ZoneId getZone() {
      return zone;
    }

    public void setZone(ZoneId zone) {
      this.zone = zone;
    }
  }

  /**
   * Semafor's dashboard and HTTP API, served by the application on a port of their own (not yet
   * under a path of the application's): see docs/spring-boot.md.
   */
  public static class Dashboard {
    /** Whether the application serves the dashboard and HTTP API. */
    private boolean enabled = false;

    /** The address the dashboard binds to; anything but loopback needs a token. */
    private String bind = DashboardServer.DEFAULT_BIND;

    /** The dashboard's port (0: any free port). */
    private int port = DashboardServer.DEFAULT_PORT;

    /** The token the dashboard and API require (Authorization: Bearer ...). */
    private String token;

    /**
     * Serve the dashboard and HTTP API under this path of the application's own web server (such as
     * /semafor), behind the application's security, instead of on a port of their own.
     */
    private String path;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBind() {
      return bind;
    }

    public void setBind(String bind) {
      this.bind = bind;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }
}
