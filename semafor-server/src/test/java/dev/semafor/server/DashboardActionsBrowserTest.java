package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.UniquePolicy;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard's actions in a real headless Chromium at 1024 and 1400 px wide: the dead-jobs table
 * fits with every row's Retry and Delete in view, bulk retry and delete confirm with the count,
 * search by queue, task, state and key pages newest first, and the enqueue form shows what the
 * server refused and stores every option. Every button used must lie inside the viewport and be the
 * element a click there would hit. No worker runs: jobs stay where the test puts them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardActionsBrowserTest {
  private static final String TOKEN = "actions-test-token-0123456789";
  private static final String LONG_ERROR =
      "connection to billing-gateway.internal.example:8443 refused after 3 retries while posting"
          + " invoice batch 2026-12 (upstream said: 503 Service Unavailable; retry-after 120s;"
          + " request id 7f3a9c1e-55b2-4d7e-9a61-0c2f3e8d4b17)";

  private MemoryBroker broker;
  private DashboardServer server;
  private Http api;
  private Browser browser;
  private String base;

  @BeforeAll
  void start() throws IOException {
    Chromium.require();
    broker = new MemoryBroker();
    server =
        DashboardServer.builder(broker)
            .port(0)
            .token(TOKEN)
            .registry(TaskRegistry.withBuiltins())
            .sampleInterval(Duration.ofMillis(250))
            .build()
            .start();
    base = "http://127.0.0.1:" + server.port();
    api = new Http(base).with("Authorization", "Bearer " + TOKEN);
    browser = Browser.start(1400, 900);
    browser.driver.get(base + "/?token=" + TOKEN); // sets the cookie, as a user's link would
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Overview"));
  }

  @AfterAll
  void stop() throws IOException {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1024, 1400})
  void deadJobsTableFitsWithEveryRowsButtonsInView(int width) {
    String queue = "billing-reconciliation-eu-west-" + width;
    List<String> dead = dead(queue, "semafor.primes", 3);
    open(width, "#/dead?queue=" + queue);
    browser.wait.until(
        ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=job-row]"), 3));

    assertTableFits();
    for (String id : dead) {
      assertClickable(button(id, "Retry"), "Retry of " + id);
      assertClickable(button(id, "Delete"), "Delete of " + id);
    }
    browser.screenshot("dead-jobs-" + width);

    button(dead.get(0), "Retry").click();
    browser.wait.until(ExpectedConditions.invisibilityOfElementLocated(rowOf(dead.get(0))));
    assertThat(broker.get(dead.get(0)).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1024, 1400})
  void bulkRetryAndDeleteAskFirstWithTheCount(int width) {
    String queue = "bulk-" + width;
    List<String> toRetry = dead(queue, "semafor.noop", 4);
    List<String> elsewhere = dead("bulk-other-" + width, "semafor.noop", 1);
    open(width, "#/dead?queue=" + queue);
    browser.wait.until(
        ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=job-row]"), 4));

    click(By.cssSelector("[data-testid=bulk-retry]"));
    WebElement dialog = visible(By.cssSelector("[data-testid=confirm]"));
    assertThat(dialog.getText()).contains("Retry 4 dead jobs on queue " + queue + "?");
    assertClickable(browser.driver.findElement(By.cssSelector("[data-testid=confirm-yes]")), "yes");
    browser.screenshot("bulk-confirm-" + width);
    click(By.cssSelector("[data-testid=confirm-no]"));
    browser.wait.until(
        ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-testid=confirm]")));
    assertThat(states(toRetry)).containsOnly(JobState.DEAD);

    click(By.cssSelector("[data-testid=bulk-retry]"));
    visible(By.cssSelector("[data-testid=confirm]"));
    click(By.cssSelector("[data-testid=confirm-yes]"));
    browser.wait.until(d -> states(toRetry).stream().allMatch(s -> s == JobState.QUEUED));
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector(".toast"), "Retried 4 of 4 jobs"));
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "No dead jobs"));

    String doomedQueue = "bulk-delete-" + width;
    List<String> toDelete = dead(doomedQueue, "semafor.noop", 3);
    open(width, "#/dead?queue=" + doomedQueue);
    browser.wait.until(
        ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=job-row]"), 3));
    click(By.cssSelector("[data-testid=bulk-delete]"));
    assertThat(visible(By.cssSelector("[data-testid=confirm]")).getText())
        .contains("Delete 3 dead jobs on queue " + doomedQueue + "?");
    // A destructive confirmation starts on Cancel, and Escape closes it without deleting.
    assertThat(browser.driver.switchTo().activeElement().getDomAttribute("data-testid"))
        .isEqualTo("confirm-no");
    new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
    browser.wait.until(
        ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-testid=confirm]")));
    assertThat(states(toDelete)).containsOnly(JobState.DEAD);
    click(By.cssSelector("[data-testid=bulk-delete]"));
    visible(By.cssSelector("[data-testid=confirm]"));
    click(By.cssSelector("[data-testid=confirm-yes]"));
    browser.wait.until(d -> toDelete.stream().allMatch(id -> broker.get(id).isEmpty()));
    assertThat(states(elsewhere)).containsOnly(JobState.DEAD);
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1024, 1400})
  void searchFiltersByQueueTaskKeysAndStateNewestFirstPagesAndFits(int width) {
    String queue = "search-" + width;
    String key = "smtp-" + width;
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < 27; i++) {
      plain.add(enqueue("{\"task\":\"semafor.noop\",\"queue\":\"" + queue + "\"}"));
    }
    String keyed =
        "{\"task\":\"semafor.echo\",\"queue\":\"%s\",\"concurrency_key\":\"%s\",\"concurrency_limit\":1}"
            .formatted(queue, key);
    String keyedOld = enqueue(keyed);
    String keyedNew = enqueue(keyed);
    String unkeyedEcho = enqueue("{\"task\":\"semafor.echo\",\"queue\":\"" + queue + "\"}");
    String unique =
        enqueue(
            "{\"task\":\"semafor.noop\",\"queue\":\"elsewhere-%d\",\"unique_key\":\"%s\"}"
                .formatted(width, key));

    open(width, "#/jobs");
    select("queue", queue);
    select("task", "semafor.echo");
    browser.driver.findElement(By.name("concurrency_key")).sendKeys(key);
    WebElement search = browser.driver.findElement(By.xpath("//button[text()='Search']"));
    assertClickable(search, "Search");
    browser.screenshot("search-" + width);
    search.click();
    browser.wait.until(d -> rowIds().equals(List.of(keyedNew, keyedOld)));
    assertTableFits();
    assertThat(browser.driver.getCurrentUrl())
        .contains("concurrency_key=" + key)
        .contains("task=semafor.echo");

    open(width, "#/jobs");
    browser.driver.findElement(By.name("key")).sendKeys(key);
    click(By.xpath("//button[text()='Search']"));
    browser.wait.until(d -> rowIds().equals(List.of(unique)));
    assertThat(browser.driver.getCurrentUrl()).contains("key=" + key);

    open(width, "#/jobs");
    select("queue", queue);
    select("state", "queued");
    click(By.xpath("//button[text()='Search']"));
    browser.wait.until(d -> rowIds().size() == 25 && rowIds().get(0).equals(unkeyedEcho));
    WebElement older = browser.driver.findElement(By.linkText("Older →"));
    assertClickable(older, "Older");
    older.click();
    List<String> oldest = plain.subList(0, 5).reversed();
    browser.wait.until(d -> rowIds().equals(oldest));
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1024, 1400})
  void enqueueFormShowsWhatWasRefusedAndStoresEveryOption(int width) {
    String queue = "ui-" + width;
    open(width, "#/enqueue");
    select("task", "semafor.primes");
    WebElement queueField = browser.driver.findElement(By.name("queue"));
    queueField.clear();
    queueField.sendKeys(queue);
    WebElement input = browser.driver.findElement(By.name("input"));
    WebElement submit = browser.driver.findElement(By.cssSelector("[data-testid=enqueue-submit]"));

    input.sendKeys("{\"n\": ");
    assertClickable(submit, "Enqueue");
    submit.click();
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("[data-testid=enqueue-error]"), "not valid JSON"));

    input.clear();
    input.sendKeys("{\"n\": \"many\"}");
    submit.click();
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("[data-testid=enqueue-error]"), "(422)"));
    browser.screenshot("enqueue-error-" + width);
    assertThat(browser.driver.findElement(By.cssSelector("[data-testid=enqueue-error]")).getText())
        .contains("Input does not fit the task");
    assertThat(jobsIn(queue)).isEmpty();

    input.clear();
    input.sendKeys("{\"n\": 97}");
    type("priority", "4");
    type("max_attempts", "2");
    type("timeout_s", "30");
    type("unique_key", "primes-97-" + width);
    new Select(browser.driver.findElement(By.name("on_conflict"))).selectByValue("replace");
    type("concurrency_key", "cpu");
    type("concurrency_limit", "2");
    type("rate_limit", "10");
    type("rate_period_s", "60");
    submit.click();
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("[data-testid=enqueue-result]"), "Enqueued"));
    assertThat(
            browser.driver.findElement(By.cssSelector("[data-testid=enqueue-error]")).isDisplayed())
        .isFalse();

    List<JobRecord> stored = jobsIn(queue);
    assertThat(stored).hasSize(1);
    JobRecord job = stored.get(0);
    assertThat(job.task()).isEqualTo("semafor.primes");
    assertThat(job.input()).isEqualTo("{\"n\":97}");
    assertThat(job.priority()).isEqualTo(4);
    assertThat(job.maxAttempts()).isEqualTo(2);
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.uniqueKey()).isEqualTo("primes-97-" + width);
    assertThat(job.uniquePolicy()).isEqualTo(UniquePolicy.REPLACE);
    assertThat(job.concurrencyKey()).isEqualTo("cpu");
    assertThat(job.concurrencyLimit()).isEqualTo(2);
    assertThat(job.ratePermits()).isEqualTo(10);
    assertThat(job.ratePeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(browser.driver.findElement(By.linkText(job.id())).isDisplayed()).isTrue();
    browser.screenshot("enqueue-" + width);
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1024, 1400})
  void pauseAndResumeAQueueFromItsCard(int width) {
    String queue = "pausable-" + width;
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"" + queue + "\"}");
    open(width, "#/");
    By toggle = By.xpath(card(queue) + "//button[@data-testid='pause-toggle']");
    By badge = By.xpath(card(queue) + "//*[@data-testid='paused']");
    browser.wait.until(ExpectedConditions.textToBe(toggle, "Pause"));
    assertThat(browser.driver.findElements(badge)).isEmpty();
    assertClickable(browser.driver.findElement(toggle), "Pause");

    click(toggle);
    browser.wait.until(ExpectedConditions.textToBe(toggle, "Resume"));
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(badge));
    assertThat(browser.driver.findElement(toggle).getDomAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(paused(queue)).isTrue();
    assertClickable(browser.driver.findElement(toggle), "Resume");
    browser.screenshot("queue-paused-" + width);

    click(toggle);
    browser.wait.until(ExpectedConditions.textToBe(toggle, "Pause"));
    browser.wait.until(ExpectedConditions.invisibilityOfElementLocated(badge));
    assertThat(paused(queue)).isFalse();
  }

  // ---- helpers ----

  /** The XPath of the overview card of {@code queue}. */
  private static String card(String queue) {
    return "//article[@data-testid='queue-card'][.//h3/a[text()='" + queue + "']]";
  }

  /** The queue's {@code paused} flag as {@code GET /api/v1/queues} reports it. */
  private boolean paused(String queue) {
    Http.Response r = api.get("/api/v1/queues");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    for (var q : r.json().get("queues")) {
      if (q.get("queue").asText().equals(queue)) {
        return q.get("paused").asBoolean();
      }
    }
    throw new AssertionError("no queue " + queue + " in " + r);
  }

  /** Sets the window to {@code width} and opens {@code hash} afresh. */
  private void open(int width, String hash) {
    browser.resize(width, 900);
    browser.wait.until(
        d ->
            ((Number) browser.driver.executeScript("return window.innerWidth")).intValue()
                == width);
    browser.driver.get(base + "/" + hash);
    browser.driver.navigate().refresh(); // a hash change alone would keep the old view's state
    browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
  }

  /**
   * Scrolls {@code el} into view vertically only (scrolling sideways would hide a table that does
   * not fit), then asserts it lies inside the viewport and is what a click at its centre hits.
   */
  private void assertClickable(WebElement el, String what) {
    Map<?, ?> r =
        script(
            "const el = arguments[0];"
                + "let b = el.getBoundingClientRect();"
                + "window.scrollBy(0, b.top - window.innerHeight / 2);"
                + "b = el.getBoundingClientRect();"
                + "const hit = document.elementFromPoint(b.left + b.width / 2,"
                + " b.top + b.height / 2);"
                + "return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,"
                + " width: document.documentElement.clientWidth, height: window.innerHeight,"
                + " hit: hit !== null && (hit === el || el.contains(hit))};",
            el);
    double left = ((Number) r.get("left")).doubleValue();
    double right = ((Number) r.get("right")).doubleValue();
    double top = ((Number) r.get("top")).doubleValue();
    double bottom = ((Number) r.get("bottom")).doubleValue();
    assertThat(left).as(what + " left edge " + r).isGreaterThanOrEqualTo(0);
    assertThat(right).as(what + " right edge " + r).isLessThanOrEqualTo(num(r, "width"));
    assertThat(top).as(what + " top edge " + r).isGreaterThanOrEqualTo(0);
    assertThat(bottom).as(what + " bottom edge " + r).isLessThanOrEqualTo(num(r, "height"));
    assertThat(r.get("hit")).as(what + " is what a click hits " + r).isEqualTo(true);
  }

  /** Runs {@code js}, which returns an object, in the page. */
  /** The job table shows every column without scrolling, and the page does not scroll sideways. */
  private void assertTableFits() {
    Map<?, ?> table =
        script(
            "const w = document.querySelector('main .table-wrap');"
                + "return {wrap: w.scrollWidth - w.clientWidth,"
                + " page: document.documentElement.scrollWidth"
                + " - document.documentElement.clientWidth};");
    assertThat(((Number) table.get("wrap")).intValue()).as("table overflow").isLessThanOrEqualTo(0);
    assertThat(((Number) table.get("page")).intValue()).as("page overflow").isLessThanOrEqualTo(0);
  }

  private Map<?, ?> script(String js, Object... args) {
    return (Map<?, ?>) browser.driver.executeScript(js, args);
  }

  private static double num(Map<?, ?> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }

  private WebElement button(String jobId, String label) {
    return browser.wait.until(
        d ->
            d.findElement(rowOf(jobId)).findElement(By.xpath(".//button[text()='" + label + "']")));
  }

  private static By rowOf(String id) {
    return By.xpath("//tr[@data-testid='job-row'][.//a[@title='" + id + "']]");
  }

  private void click(By by) {
    browser.wait.until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  private WebElement visible(By by) {
    return browser.wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Picks {@code value} in the select named {@code name} once its options have loaded. */
  private void select(String name, String value) {
    browser.wait.until(
        d -> {
          new Select(d.findElement(By.name(name))).selectByValue(value);
          return true;
        });
  }

  private void type(String name, String text) {
    WebElement field = browser.driver.findElement(By.name(name));
    field.clear();
    field.sendKeys(text);
  }

  private List<String> rowIds() {
    List<String> ids = new ArrayList<>();
    for (WebElement a :
        browser.driver.findElements(By.cssSelector("[data-testid=job-row] td.id-cell a"))) {
      ids.add(a.getDomAttribute("title"));
    }
    return ids;
  }

  private String enqueue(String json) {
    Http.Response r = api.postJson("/api/v1/jobs", json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  /** {@code n} jobs of {@code task} on {@code queue}, each failed for good with a long error. */
  private List<String> dead(String queue, String task, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      enqueue("{\"task\":\"" + task + "\",\"input\":{\"n\":7},\"queue\":\"" + queue + "\"}");
      Lease lease =
          broker.lease(new LeaseRequest(List.of(queue), 1, "test", Duration.ofMinutes(1))).get(0);
      broker.fail(Failure.dead(lease.ref(), JobError.of("java.net.ConnectException", LONG_ERROR)));
      ids.add(lease.job().id());
    }
    return ids;
  }

  private List<JobState> states(List<String> ids) {
    return ids.stream().map(id -> broker.get(id).orElseThrow().state()).toList();
  }

  private List<JobRecord> jobsIn(String queue) {
    return broker.query(JobQuery.all().queue(queue));
  }
}
