package dev.semafor.cli;

import dev.semafor.TaskRegistry;
import dev.semafor.server.DashboardServer;
import dev.semafor.spi.Broker;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor dashboard}: the web dashboard, the HTTP API and {@code /metrics} over one broker,
 * until SIGTERM or Ctrl-C.
 */
@Command(
    name = "dashboard",
    sortOptions = false,
    description = {
      "Serve the web dashboard, the HTTP API (/api/v1) and Prometheus metrics (/metrics).",
      "Loopback only by default; any other --bind needs a token ($SEMAFOR_TOKEN or --token),"
          + " which every request must then carry."
    })
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;
  @Mixin private TaskClasspath classpath;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address (default: 127.0.0.1).")
  private String bind = DashboardServer.DEFAULT_BIND;

  @Option(names = "--port", paramLabel = "PORT", description = "Port (default: 7070; 0: any).")
  private int port = DashboardServer.DEFAULT_PORT;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Access token, at least 16 characters (default: $SEMAFOR_TOKEN).")
  private String token;

  @Option(
      names = "--json",
      description =
          "Once listening, print one JSON object: {\"url\", \"port\", \"broker\","
              + " \"token_required\"} (with --port 0, the port that was picked).")
  private boolean json;

  @Override
  public Integer call() throws InterruptedException {
    Cli cli = root.cli();
    try (TaskClasspath.Tasks tasks = classpath.load(cli)) {
      TaskRegistry registry = tasks.registry();
      Broker b = broker.open(cli);
      DashboardServer server;
      try {
        DashboardServer.Builder builder =
            DashboardServer.builder(b).bind(bind).port(port).registry(registry);
        if (token != null) {
          builder.token(token);
        }
        DashboardServer built = builder.build();
        server = Ports.start("--port", port, built::start);
      } catch (IllegalStateException e) {
        b.close();
        throw new IllegalArgumentException(e.getMessage(), e); // a setting the user can fix
      } catch (RuntimeException e) {
        b.close();
        throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .unstarted(
                      () -> {
                        server.close();
                        b.close();
                        stopped.countDown();
                      }));
      if (json) {
        cli.out()
            .println(
                Output.json(
                    Output.object()
                        .put("url", server.url())
                        .put("port", server.port())
                        .put("broker", b.describe())
                        .put("token_required", server.tokenRequired())));
      } else {
        cli.out().println("dashboard at " + server.url() + " (Ctrl-C to stop)");
      }
      cli.out().flush();
      stopped.await();
      return 0;
    }
  }
}
