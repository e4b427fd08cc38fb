package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server built {@code mounted()} and served by another servlet container (a plain Jetty here, as
 * an application's Tomcat would) under {@code /app/semafor/*}: a context path and a servlet path.
 * Its API, its page, the page's assets and its redirects all live under that path.
 */
class MountedServletTest {
  private static final String TOKEN = "mounted-test-token-0123456789";
  private static final String BASE = "/app/semafor";

  private final MemoryBroker broker = new MemoryBroker();
  private DashboardServer dashboard;
  private Server jetty;
  private Http http;

  private void mount(DashboardServer.Builder builder) throws Exception {
    dashboard = builder.mounted().registry(TaskRegistry.withBuiltins()).build().start();
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/app");
    ServletHolder holder = new ServletHolder(dashboard.servlet());
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/semafor/*");
    jetty.setHandler(context);
    jetty.start();
    http = new Http("http://127.0.0.1:" + connector.getLocalPort());
  }

  private static DashboardServer.Builder builder(MemoryBroker broker) {
    return DashboardServer.builder(broker)
        .environment(name -> null)
        .sampleInterval(Duration.ofHours(1));
  }

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    broker.close();
  }

  @Test
  void theApiIsServedUnderTheMountPath() throws Exception {
    mount(builder(broker));

    Http.Response info = http.get(BASE + "/api/v1/info");
    assertThat(info.status()).as(info.toString()).isEqualTo(200);
    assertThat(info.json().get("broker").asText()).isEqualTo("memory:");

    Http.Response created = http.postJson(BASE + "/api/v1/jobs", "{\"task\":\"semafor.noop\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.header("Location")).isEqualTo(BASE + "/api/v1/jobs/" + id);
    assertThat(http.get(created.header("Location")).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/info").status())
        .as("nothing is served at the root")
        .isEqualTo(404);
  }

  @Test
  void thePageAndItsRelativeAssetsWorkUnderTheMountPath() throws Exception {
    mount(builder(broker));

    Http.Response bare = http.get(BASE);
    assertThat(bare.status()).isEqualTo(301);
    assertThat(bare.header("Location")).isEqualTo(BASE + "/");

    Http.Response page = http.get(BASE + "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("src=\"assets/app.js\"", "href=\"assets/app.css\"")
        .doesNotContain("=\"/");
    assertThat(http.get(BASE + "/assets/app.js").contentType()).startsWith("text/javascript");
    assertThat(http.get(BASE + "/assets/app.css").contentType()).startsWith("text/css");
    assertThat(new String(AdminApi.resource("/dev/semafor/server/dashboard/app.js"), UTF))
        .as("the script calls the API relative to the page")
        .contains("fetch(\"api/v1\"")
        .doesNotContain("fetch(\"/");
  }

  @Test
  void aTokenOfItsOwnStillWorksAndItsRedirectsKeepTheMountPath() throws Exception {
    mount(builder(broker).token(TOKEN));

    Http.Response page = http.get(BASE + "/");
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.header("Location"))
        .isEqualTo(BASE + "/login?next=" + URLEncoder.encode(BASE + "/", UTF));
    assertThat(http.get(BASE + "/login").status()).isEqualTo(200);
    assertThat(http.get(BASE + "/api/v1/info").status()).isEqualTo(401);

    Http.Response login =
        http.post(
            BASE + "/login?next=" + URLEncoder.encode(BASE + "/", UTF),
            HttpRequest.BodyPublishers.ofString("token=" + TOKEN),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(login.status()).isEqualTo(303);
    assertThat(login.header("Location")).isEqualTo(BASE + "/");
    Http.Response wrong =
        http.post(
            BASE + "/login",
            HttpRequest.BodyPublishers.ofString("token=nope"),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(wrong.header("Location")).isEqualTo(BASE + "/login?error=1");
    assertThat(http.get(BASE + "/api/v1/info", "Authorization", "Bearer " + TOKEN).status())
        .isEqualTo(200);
  }

  @Test
  void aMountedServerHasNoPortAndAListeningOneNoServlet() {
    DashboardServer mounted = builder(broker).mounted().build();
    DashboardServer listening = builder(broker).port(0).build();

    assertThatThrownBy(mounted::port).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(listening::servlet).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mountedItNeedsNoTokenWhateverItsBindAddress() {
    // The application in front decides who may use it; bind and port are not used.
    assertThat(builder(broker).bind("0.0.0.0").mounted().build()).isNotNull();
  }

  private static final java.nio.charset.Charset UTF = StandardCharsets.UTF_8;
}
