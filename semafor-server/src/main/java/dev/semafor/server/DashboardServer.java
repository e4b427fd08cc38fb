package dev.semafor.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.server.metrics.WorkerMetrics;
import dev.semafor.spi.Broker;
import dev.semafor.spi.WorkerInfo;
import io.javalin.Javalin;
import io.javalin.http.servlet.JavalinServlet;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API ({@code /api/v1}), the web dashboard ({@code /}) and Prometheus metrics ({@code
 * /metrics}) over one broker. Embeddable:
 *
 * <pre>{@code
 * try (DashboardServer server = DashboardServer.builder(broker).port(7070).build().start()) {
 *   System.out.println("dashboard at " + server.url());
 *   ...
 * }
 * }</pre>
 *
 * <h2>Security</h2>
 *
 * Binds to 127.0.0.1 unless told otherwise. Bound to anything that is not loopback it needs a token
 * ({@link Builder#token}, else {@code $SEMAFOR_TOKEN}), and {@link Builder#build} refuses to build
 * without one. See {@code AccessGuard} for the rules every request passes.
 *
 * <h2>Mounted in another server</h2>
 *
 * Built with {@link Builder#mounted()}, it does not listen: {@link #servlet()} gives its routes as
 * a servlet for an application's own servlet container to serve under a path (mapped as {@code
 * /semafor/*}, the API is {@code /semafor/api/v1} and the dashboard {@code /semafor/}). The pages
 * use relative links and the server's redirects keep the path, so they work under any path. Who may
 * use it is then the application's concern (its authentication in front of the servlet).
 *
 * <h2>Lifecycle</h2>
 *
 * NEW ─{@link #start}─▶ STARTED ─{@link #close}─▶ CLOSED. Closing stops the HTTP server and the
 * stats sampler; it does not close the broker, which belongs to the caller.
 */
public final class DashboardServer implements AutoCloseable {
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 7070;
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_BATCH = 1_000;
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(5);
  static final int HISTORY_POINTS = 60;
  public static final String TOKEN_ENV = "SEMAFOR_TOKEN";

  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

  private final Broker broker;
  private final String bind;
  private final int requestedPort;
  private final Duration sampleInterval;
  private final boolean tokenRequired;
  private final boolean mounted;
  private final Javalin app;
  private final QueueSampler sampler;
  private final ServerMetrics serverMetrics;
  private final WorkerMetrics workerMetrics = new WorkerMetrics();
  private final PrometheusMeterRegistry meterRegistry;
  private final List<String> routes = Collections.synchronizedList(new ArrayList<>());
  private final ScheduledExecutorService scheduler;

  private DashboardServer(Builder b) {
    this.broker = b.broker;
    this.bind = b.bind;
    this.requestedPort = b.port;
    this.sampleInterval = b.sampleInterval;
    this.tokenRequired = b.token != null;
    this.mounted = b.mounted;
    this.meterRegistry =
        b.meterRegistry != null
            ? b.meterRegistry
            : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.sampler = new QueueSampler(b.broker, b.clock, HISTORY_POINTS);
    this.serverMetrics = new ServerMetrics(b.broker, b.clock, b.goneAfter);
    serverMetrics.bindTo(meterRegistry);
    workerMetrics.bindTo(meterRegistry);

    ObjectMapper mapper = JobViews.apiMapper();
    AccessGuard guard = new AccessGuard(b.token, new LoginThrottle(b.clock), !b.mounted);
    ProblemHandlers problems = new ProblemHandlers(mapper);
    Client client = new Client(b.broker, b.registry, b.json, b.clock);
    EnqueueRequests requests = new EnqueueRequests(mapper, b.registry, b.json, b.maxBatch);

    this.app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.startupWatcherEnabled = false;
              cfg.useVirtualThreads = true;
              cfg.http.prefer405over404 = true;
              cfg.http.maxRequestSize = b.maxBodyBytes;
              cfg.router.ignoreTrailingSlashes = true;
              cfg.jsonMapper(new JavalinJackson(mapper, false));
              cfg.jetty.modifyServer(server -> server.setErrorHandler(problems.jettyErrors()));
              cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(problems.jettyErrors()));
              cfg.events.handlerAdded(
                  h -> {
                    if (h.getHttpMethod().isHttpMethod()) {
                      routes.add(h.getHttpMethod() + " " + h.getPath());
                    }
                  });
            });
    app.before(
        ctx -> {
          AccessGuard.securityHeaders().forEach(ctx::header);
          if (BasePath.local(ctx).startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
          }
          guard.check(ctx);
        });
    problems.register(app);
    new JobsApi(b.broker, client, requests, mapper, serverMetrics, b.clock, b.maxBodyBytes)
        .register(app);
    new QueuesApi(b.broker).register(app);
    new JobLogsApi(b.broker).register(app);
    new AdminApi(
            b.broker,
            sampler,
            serverMetrics,
            b.schedules,
            b.registry,
            b.clock,
            b.goneAfter,
            guard.hasToken())
        .register(app);
    app.get(
        "/metrics",
        ctx -> {
          serverMetrics.update(sampler.refresh());
          ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
              .result(meterRegistry.scrape());
        });
    new DashboardAssets(guard).register(app);

    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "semafor-dashboard-sampler");
              t.setDaemon(true);
              return t;
            });
  }

  /** A builder for a server over {@code broker}. */
  public static Builder builder(Broker broker) {
    return new Builder(broker);
  }

  /**
   * Starts listening (unless {@linkplain Builder#mounted() mounted}) and sampling; returns this.
   */
  public DashboardServer start() {
    long interval = sampleInterval.toMillis();
    if (mounted) {
      scheduler.scheduleWithFixedDelay(this::sampleQuietly, 0, interval, TimeUnit.MILLISECONDS);
      LOG.info("dashboard mounted in the application's server (broker {})", broker.describe());
      return this;
    }
    app.start(bind, requestedPort);
    scheduler.scheduleWithFixedDelay(this::sampleQuietly, 0, interval, TimeUnit.MILLISECONDS);
    LOG.info(
        "dashboard at {} (broker {}, {})",
        url(),
        broker.describe(),
        tokenRequired ? "token required" : "loopback only, no token");
    return this;
  }

  /**
   * The port it listens on (the real one when built with port 0).
   *
   * @throws IllegalStateException if it is {@linkplain Builder#mounted() mounted}
   */
  public int port() {
    if (mounted) {
      throw new IllegalStateException("a mounted dashboard has no port of its own");
    }
    return app.port();
  }

  /**
   * The API and the dashboard as a servlet, for the servlet container of the application that
   * mounts this server: map it to a path pattern such as {@code /semafor/*}, with async support.
   *
   * @throws IllegalStateException unless it was built {@linkplain Builder#mounted() mounted}
   */
  public jakarta.servlet.http.HttpServlet servlet() {
    if (!mounted) {
      throw new IllegalStateException("only a server built with mounted() is served as a servlet");
    }
    // Javalin's plain servlet over this app's routes; app.javalinServlet() would be the Jetty one
    // with WebSocket upgrades, which needs Jetty around it.
    return new MountedServlet(new JavalinServlet(app.unsafeConfig()));
  }

  /** Whether every request must carry the access token (one was given, or read from the env). */
  public boolean tokenRequired() {
    return tokenRequired;
  }

  /** The dashboard's address, such as {@code http://127.0.0.1:7070/}. */
  public String url() {
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    return "http://" + host + ":" + port() + "/";
  }

  /** The registry behind {@code /metrics}; add your own meters to it if you like. */
  public PrometheusMeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * The listener that feeds the worker-side meters: give it to a worker running in this process so
   * that {@code /metrics} shows its jobs.
   */
  public WorkerMetrics workerMetrics() {
    return workerMetrics;
  }

  /** Every route registered, as {@code "METHOD /path"}. */
  List<String> routes() {
    return List.copyOf(routes);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (!mounted) {
      app.stop();
    }
  }

  private void sampleQuietly() {
    try {
      sampler.sample();
      serverMetrics.update(sampler.latest());
    } catch (Throwable t) {
      LOG.warn("cannot sample queue stats from {}", broker.describe(), t);
    }
  }

  /**
   * Configures a {@link DashboardServer}. Every setter checks its argument at once; {@link #build}
   * checks the combination.
   */
  public static final class Builder {
    private final Broker broker;
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String token;
    private boolean tokenSet;
    private TaskRegistry registry;
    private Json json = Json.defaults();
    private InstantSource clock = InstantSource.system();
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
    private Duration goneAfter = WorkerInfo.DEFAULT_GONE_AFTER;
    private ScheduleSource schedules;
    private PrometheusMeterRegistry meterRegistry;
    private UnaryOperator<String> environment = System::getenv;
    private boolean mounted;

    private Builder(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      this.schedules = ScheduleSource.of(broker);
    }

    /** The address to listen on; default 127.0.0.1. Anything not loopback needs a token. */
    public Builder bind(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("bind address must not be blank");
      }
      this.bind = host.trim();
      return this;
    }

    /** The port; default 7070; 0 picks a free one (see {@link DashboardServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The token every request must carry, at least 16 characters; {@code null} for none. If never
     * called, {@code $SEMAFOR_TOKEN} is used when set.
     */
    public Builder token(String token) {
      if (token != null && token.strip().length() < AccessGuard.MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "a token needs at least " + AccessGuard.MIN_TOKEN_LENGTH + " characters");
      }
      this.token = token == null ? null : token.strip();
      this.tokenSet = true;
      return this;
    }

    /** The tasks the API accepts; default {@link TaskRegistry#discover()}. */
    public Builder registry(TaskRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder json(Json json) {
      this.json = Objects.requireNonNull(json, "json");
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The largest request body accepted; larger ones get 413. Default 1 MiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024: " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The most jobs one batch request may hold; more get 413. Default 1000. */
    public Builder maxBatch(int jobs) {
      if (jobs < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1: " + jobs);
      }
      this.maxBatch = jobs;
      return this;
    }

    /** How often queue counts are sampled for rates and charts; default 5 s. */
    public Builder sampleInterval(Duration interval) {
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("sampleInterval must be at least 10 ms: " + interval);
      }
      this.sampleInterval = interval;
      return this;
    }

    /** How long a worker may be silent before it is shown as gone; default 30 s. */
    public Builder goneAfter(Duration threshold) {
      if (threshold.isNegative() || threshold.isZero()) {
        throw new IllegalArgumentException("goneAfter must be positive: " + threshold);
      }
      this.goneAfter = threshold;
      return this;
    }

    public Builder schedules(ScheduleSource schedules) {
      this.schedules = Objects.requireNonNull(schedules, "schedules");
      return this;
    }

    /** Shares an existing Prometheus registry (the application's own) instead of a new one. */
    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Builds a server that does not listen but is served by another server's servlet container
     * ({@link DashboardServer#servlet()}), under a path of that server's, behind its security. The
     * bind address and port are not used; unless a token is given, requests are not checked for a
     * token or a loopback host name ({@code $SEMAFOR_TOKEN} is not read): the application in front
     * decides who may use it. The cross-site checks on state-changing requests stay.
     */
    public Builder mounted() {
      this.mounted = true;
      return this;
    }

    /** Where {@code SEMAFOR_TOKEN} is looked up; tests replace the process environment. */
    Builder environment(UnaryOperator<String> env) {
      this.environment = Objects.requireNonNull(env, "env");
      return this;
    }

    /**
     * Builds the server (not yet listening).
     *
     * @throws IllegalStateException if the bind address is not loopback and there is no token
     */
    public DashboardServer build() {
      if (!tokenSet && !mounted) {
        String fromEnv = environment.apply(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
          token(fromEnv);
        }
      }
      if (token == null && !mounted && !AccessGuard.isLoopback(bind)) {
        throw new IllegalStateException(
            "refusing to serve on "
                + bind
                + " without a token: anyone who can reach it could run and delete jobs. Set "
                + TOKEN_ENV
                + " (or pass a token), or bind to 127.0.0.1");
      }
      if (registry == null) {
        registry = TaskRegistry.discover();
      }
      return new DashboardServer(this);
    }
  }
}
