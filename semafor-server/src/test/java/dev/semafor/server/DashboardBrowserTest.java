package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Failure;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.WorkerInfo;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, against a token-protected server with a real worker:
 * logging in, seeing a job enqueued through the API appear, opening it, retrying a dead job until
 * it succeeds, deleting one, and showing a {@code <script>} payload as text. Screenshots go to
 * {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final String TOKEN = "browser-test-token-0123456789";
  private static final String XSS =
      "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";

  private final AtomicBoolean flakyFails = new AtomicBoolean(true);
  private final CountDownLatch loggingMayFinish = new CountDownLatch(1);
  private final ShiftedClock clock = new ShiftedClock();
  private MemoryBroker broker;
  private DashboardServer server;
  private Worker worker;
  private Http api;
  private Browser browser;
  private ChromeDriver driver;
  private WebDriverWait wait;
  private String base;

  @BeforeAll
  void startEverything() throws IOException {
    Chromium.require();
    broker = new MemoryBroker(clock);
    TaskRegistry registry = TaskRegistry.withBuiltins();
    registry.register(
        "test.flaky",
        JsonNode.class,
        (input, ctx) -> {
          if (flakyFails.get()) {
            throw new IllegalStateException("flaky: failing on purpose");
          }
          return Map.of("ok", true);
        });
    registry.register(
        "test.logging",
        JsonNode.class,
        (input, ctx) -> {
          ctx.log("fetching " + input.get("url").asText());
          ctx.log("payload " + XSS);
          if (!loggingMayFinish.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never let the job finish");
          }
          ctx.log("done: 3 rows");
          return Map.of("rows", 3);
        });
    server =
        DashboardServer.builder(broker)
            .port(0)
            .token(TOKEN)
            .registry(registry)
            .clock(clock)
            .sampleInterval(Duration.ofMillis(250))
            .build()
            .start();
    base = "http://127.0.0.1:" + server.port();
    api = new Http(base).with("Authorization", "Bearer " + TOKEN);
    WorkerConfig config =
        WorkerConfig.builder()
            .queues(List.of("emails", "reports"))
            .model(ExecutionModel.VIRTUAL)
            .concurrency(4)
            .pollInterval(Duration.ofMillis(20))
            .build();
    worker =
        new Worker(
            broker,
            registry,
            config,
            Json.defaults(),
            InstantSource.system(),
            server.workerMetrics());
    server.workerMetrics().watch(worker.start());
    // What the worker itself will do once it registers with the broker's worker registry.
    broker.registerWorker(
        new WorkerInfo(
            worker.id(),
            "build-box",
            ProcessHandle.current().pid(),
            ExecutionModel.VIRTUAL,
            4,
            List.of("emails", "reports"),
            0,
            clock.instant().minusSeconds(95),
            null));

    browser = Browser.start(1440, 960);
    driver = browser.driver;
    wait = browser.wait;
  }

  @AfterAll
  void stopEverything() throws IOException {
    if (browser != null) {
      browser.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void loginFormLetsTheRightTokenIn() {
    driver.get(base + "/");
    wait.until(ExpectedConditions.urlContains("/login"));
    driver.findElement(By.id("token")).sendKeys("wrong-token-wrong-token");
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".login-error")));

    driver.findElement(By.id("token")).sendKeys(TOKEN);
    screenshot("login");
    driver.findElement(By.cssSelector("button[type=submit]")).click();

    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Overview"));
    assertThat(driver.manage().getCookieNamed("semafor_token").isHttpOnly()).isTrue();
  }

  @Test
  @Order(3)
  void jobEnqueuedThroughTheApiAppearsAndOpensItsDetail() {
    driver.get(base + "/#/jobs?queue=inbox");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("main"), "No jobs match"));

    String id =
        enqueue(
            "{\"task\":\"semafor.echo\",\"input\":{\"to\":\"ana@example.com\",\"n\":7},\"queue\":\"inbox\",\"priority\":3}");

    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(id)));
    screenshot("jobs");
    link.click();
    WebElement input =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=job-input]")));
    assertThat(input.getText()).contains("\"to\": \"ana@example.com\"").contains("\"n\": 7");
    assertThat(driver.findElement(By.cssSelector("[data-testid=job-id]")).getText()).isEqualTo(id);
    assertThat(driver.findElement(By.cssSelector("main h1 .badge")).getText()).isEqualTo("queued");
    screenshot("job-detail");
  }

  @Test
  @Order(4)
  void deadJobIsRetriedFromTheDashboardAndSucceeds() {
    flakyFails.set(true);
    String id =
        enqueue(
            "{\"task\":\"test.flaky\",\"input\":{\"report\":\"q3\"},\"queue\":\"reports\",\"max_attempts\":1}");
    awaitState(id, JobState.DEAD);

    driver.get(base + "/#/dead");
    wait.until(d -> d.findElement(rowOf(id)).getText().contains("flaky: failing on purpose"));
    screenshot("dead-jobs");

    flakyFails.set(false);
    clickInRow(id, "Retry");
    awaitState(id, JobState.SUCCEEDED);
    wait.until(ExpectedConditions.invisibilityOfElementLocated(rowOf(id)));

    driver.get(base + "/#/jobs/" + id);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("main h1 .badge"), "succeeded"));
    assertThat(driver.findElement(By.cssSelector("[data-testid=job-result]")).getText())
        .contains("\"ok\": true");
    assertThat(driver.findElement(By.cssSelector("[data-testid=job-error]")).getText())
        .isEqualTo("flaky: failing on purpose");
    screenshot("job-retried");
  }

  @Test
  @Order(5)
  void deadJobIsDeletedFromTheDashboard() {
    String id = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"doomed\"}");
    killNext("doomed", JobError.of("java.io.IOException", "disk full"));

    driver.get(base + "/#/dead");
    clickInRow(id, "Delete");
    wait.until(ExpectedConditions.alertIsPresent()).accept();

    wait.until(ExpectedConditions.invisibilityOfElementLocated(rowOf(id)));
    assertThat(broker.get(id)).isEmpty();
  }

  @Test
  @Order(6)
  void scriptPayloadIsShownAsTextAndNeverRuns() {
    // Such a queue name is refused now (dev.semafor.Names), but an older database may hold one:
    // the job is put straight into the broker, as it would have been stored then.
    String queue = "<img src=x onerror=\"window.__xss=3\">";
    Instant now = Instant.now();
    String echo = dev.semafor.JobIds.next(now);
    broker.enqueue(
        List.of(
            dev.semafor.spi.JobRecord.builder()
                .id(echo)
                .task("semafor.echo")
                .queue(queue)
                .state(JobState.QUEUED)
                .input("{\"html\":" + jsonString(XSS) + "}")
                .runAt(now)
                .enqueuedAt(now)
                .build()));
    String dead = enqueue("{\"task\":\"semafor.noop\",\"queue\":\"xss\"}");
    killNext("xss", JobError.of("x.Boom", XSS));

    driver.get(base + "/#/");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".cards"), queue));
    driver.get(base + "/#/jobs/" + echo);
    WebElement input =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=job-input]")));
    assertThat(input.getText()).contains("<script>window.__xss=1</script>");
    screenshot("xss-as-text");
    driver.get(base + "/#/jobs/" + dead);
    wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=job-error]"), XSS));
    driver.get(base + "/#/dead");
    wait.until(ExpectedConditions.visibilityOfElementLocated(rowOf(dead)));

    JavascriptExecutor js = driver;
    assertThat(js.executeScript("return window.__xss === undefined")).isEqualTo(true);
    assertThat(js.executeScript("return document.querySelectorAll('img[src=\"x\"]').length"))
        .isEqualTo(0L);
    assertThat(js.executeScript("return document.querySelectorAll('main script').length"))
        .isEqualTo(0L);
  }

  @Test
  @Order(7)
  void workersPageShowsActiveAndGoneWorkers() {
    clock.shift(Duration.ofHours(-1));
    broker.registerWorker(
        new WorkerInfo(
            "w-batch-7",
            "batch-7",
            4242,
            ExecutionModel.PROCESSES,
            8,
            List.of("reports"),
            0,
            clock.instant(),
            null));
    clock.shift(Duration.ZERO);
    broker.heartbeatWorker(worker.id(), 1);

    driver.get(base + "/#/workers");
    wait.until(
        ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=worker-row]"), 2));
    wait.until(d -> workerRow(d, "w-batch-7").getDomAttribute("data-state").equals("gone"));
    wait.until(d -> workerRow(d, worker.id()).getDomAttribute("data-state").equals("active"));
    String activeRow = wait.until(d -> workerRow(d, worker.id()).getText());
    assertThat(activeRow).contains("virtual").contains("build-box");
    screenshot("workers");
  }

  @Test
  @Order(2)
  void overviewChartsThroughputAndFailuresLive() throws Exception {
    for (int i = 0; i < 6; i++) {
      enqueue("{\"task\":\"semafor.noop\",\"queue\":\"reports\",\"delay_ms\":600000}");
    }
    flakyFails.set(true);
    driver.get(base + "/#/");
    // A steady trickle for about three seconds, one job in ten failing for good.
    for (int i = 0; i < 60; i++) {
      if (i % 10 == 9) {
        enqueue("{\"task\":\"test.flaky\",\"queue\":\"reports\",\"max_attempts\":1}");
      } else {
        enqueue(
            "{\"task\":\"semafor.sleep\",\"input\":{\"ms\":"
                + (20 + i % 4 * 15)
                + "},\"queue\":\"emails\"}");
      }
      Thread.sleep(50); // pacing, not synchronization: it spreads the work over the chart
    }
    wait.until(
        d -> count("emails", JobState.SUCCEEDED) == 54 && count("reports", JobState.DEAD) == 6);
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".stat.good .stat-value"), "54"));
    wait.until(
        ExpectedConditions.not(
            ExpectedConditions.textToBe(
                By.cssSelector(".stat.good .stat-sub"), "0/min in the last minute")));

    wait.until(ExpectedConditions.textToBe(By.cssSelector(".stat.bad .stat-value"), "6"));
    assertThat(driver.findElements(By.cssSelector("[data-testid=queue-card]"))).hasSize(2);
    screenshot("overview");
  }

  @Test
  @Order(8)
  void jobLogCardShowsLinesAsTheJobWritesThemAsTextAndFitsAt1024() {
    String id =
        enqueue(
            "{\"task\":\"test.logging\",\"input\":{\"url\":\"https://example.com/q3\"},"
                + "\"queue\":\"reports\"}");
    driver.get(base + "/#/jobs/" + id);
    // The card appears while the job runs, with the lines it has written so far.
    WebElement logs =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=job-logs]")));
    wait.until(d -> logLines(d).size() == 2);
    assertThat(driver.findElement(By.cssSelector("main h1 .badge")).getText()).isEqualTo("running");
    assertThat(logLines(driver).get(0)).endsWith("fetching https://example.com/q3");
    assertThat(logLines(driver).get(1)).endsWith("payload " + XSS);
    assertThat(logs.getText()).doesNotContain("done: 3 rows");

    loggingMayFinish.countDown();
    wait.until(d -> logLines(d).size() == 3);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("main h1 .badge"), "succeeded"));
    List<String> lines = logLines(driver);
    assertThat(lines.get(2)).endsWith("done: 3 rows");
    // Each line starts with its time, as the API gives it (ISO-8601, UTC).
    assertThat(lines).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+.*"));
    JavascriptExecutor js = driver;
    assertThat(js.executeScript("return window.__xss === undefined")).isEqualTo(true);
    assertThat(js.executeScript("return document.querySelectorAll('img[src=\"x\"]').length"))
        .isEqualTo(0L);
    screenshot("job-logs");

    browser.resize(1024, 768);
    try {
      driver.navigate().refresh();
      wait.until(d -> logLines(d).size() == 3);
      assertThat(js.executeScript("return document.documentElement.scrollWidth"))
          .as("the page does not scroll sideways at 1024 px")
          .isEqualTo(js.executeScript("return document.documentElement.clientWidth"));
      screenshot("job-logs-1024");
    } finally {
      browser.resize(1440, 960);
    }
  }

  // ---- helpers ----

  /** The lines of the job-log card, each "TIME TEXT". */
  private static List<String> logLines(WebDriver d) {
    return d.findElements(By.cssSelector("[data-testid=job-logs] > div")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** The system clock, shifted by a settable offset (to make a worker's heartbeat old). */
  static final class ShiftedClock implements InstantSource {
    private volatile Duration offset = Duration.ZERO;

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    void shift(Duration by) {
      offset = by;
    }
  }

  private String enqueue(String json) {
    Http.Response r = api.postJson("/api/v1/jobs", json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  private void killNext(String queue, JobError error) {
    Lease lease =
        broker.lease(new LeaseRequest(List.of(queue), 1, "test", Duration.ofMinutes(1))).get(0);
    broker.fail(Failure.dead(lease.ref(), error));
  }

  private void awaitState(String id, JobState state) {
    wait.until(d -> broker.get(id).map(j -> j.state() == state).orElse(false));
  }

  private long count(String queue, JobState state) {
    return broker.stats().stream()
        .filter(s -> s.queue().equals(queue))
        .mapToLong(s -> s.count(state))
        .sum();
  }

  private void clickInRow(String id, String button) {
    wait.until(
        d -> {
          d.findElement(rowOf(id))
              .findElement(By.xpath(".//button[text()='" + button + "']"))
              .click();
          return true;
        });
  }

  private static WebElement workerRow(WebDriver d, String id) {
    return d.findElement(
        By.xpath("//tr[@data-testid='worker-row'][td[normalize-space()='" + id + "']]"));
  }

  private static By rowOf(String id) {
    return By.xpath("//tr[@data-testid='job-row'][.//a[@title='" + id + "']]");
  }

  private static String jsonString(String s) {
    return Json.defaults().write(s);
  }

  private void screenshot(String name) {
    browser.screenshot(name);
  }
}
