package dev.semafor.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobState;
import dev.semafor.client.Client;
import dev.semafor.spring.SemaforWorkerLifecycle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The example end to end: HTTP in, a job on the application's worker, its result over HTTP; and
 * Semafor's dashboard under /semafor behind the application's security.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "SEMAFOR_ADMIN_PASSWORD=" + ExampleApplicationTest.PASSWORD)
class ExampleApplicationTest {
  static final String PASSWORD = "test-admin-password";
  private static final Path DIR = tempDir();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    registry.add("semafor.broker", () -> "sqlite:" + DIR.resolve("example.db"));
  }

  @AfterAll
  static void deleteFiles() throws IOException {
    FileSystemUtils.deleteRecursively(DIR);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired ObjectMapper mapper;
  @Autowired Client client;
  @Autowired SemaforWorkerLifecycle worker;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSignupEnqueuesAWelcomeMailThatTheWorkerSends() throws Exception {
    HttpResponse<String> accepted =
        post("/signups", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String jobId = mapper.readTree(accepted.body()).get("job_id").asString();

    JsonNode job =
        await()
            .atMost(WAIT)
            .until(() -> get("/jobs/" + jobId), j -> j.get("state").asString().equals("SUCCEEDED"));

    assertThat(job.get("result").get("to").asString()).isEqualTo("ada@example.com");
    assertThat(job.get("result").get("subject").asString()).isEqualTo("Welcome, Ada!");
  }

  @Test
  void aBadAddressFailsTheJobAndTheErrorIsShown() throws Exception {
    String jobId =
        mapper
            .readTree(post("/signups", "{\"email\":\"nobody\",\"name\":\"N\"}").body())
            .get("job_id")
            .asString();

    JsonNode job =
        await().atMost(WAIT).until(() -> get("/jobs/" + jobId), j -> !j.get("error").isNull());

    assertThat(job.get("error").asString()).contains("not an email address: nobody");
  }

  @Test
  void theDailyReportIsACronScheduleAndRunsAsATask() throws Exception {
    assertThat(worker.worker().scheduler().schedules())
        .singleElement()
        .satisfies(s -> assertThat(s.cron()).isEqualTo("0 3 * * *"));

    var job = client.enqueue("email.daily-report", null);
    job.await(WAIT);

    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.result(Long.class)).isNotNegative();
  }

  @Test
  void theHealthEndpointShowsSemafor() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).build());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(mapper.readTree(health.body()).at("/components/semafor/status").asString())
        .isEqualTo("UP");
  }

  @Test
  void theDashboardAndItsApiAreUnderSemaforBehindTheApplicationsSecurity() throws Exception {
    assertThat(send(HttpRequest.newBuilder(uri("/semafor/api/v1/info")).build()).statusCode())
        .as("no user")
        .isEqualTo(401);
    assertThat(send(asAdmin("/semafor/", "wrong-password")).statusCode()).isEqualTo(401);

    HttpResponse<String> info = send(asAdmin("/semafor/api/v1/info", PASSWORD));
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(mapper.readTree(info.body()).get("tasks").toString()).contains("email.welcome");

    HttpResponse<String> page = send(asAdmin("/semafor/", PASSWORD));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("src=\"assets/app.js\"", "href=\"assets/app.css\"");
    HttpResponse<String> script = send(asAdmin("/semafor/assets/app.js", PASSWORD));
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("fetch(\"api/v1\"");
    assertThat(send(HttpRequest.newBuilder(uri("/semafor/assets/app.js")).build()).statusCode())
        .isEqualTo(401);
  }

  private HttpRequest asAdmin(String path, String password) {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString(
                ("admin:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic " + basic).build();
  }

  private JsonNode get(String path) throws Exception {
    return mapper.readTree(send(HttpRequest.newBuilder(uri(path)).build()).body());
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("semafor-example-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
