package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.semafor.JobState;
import dev.semafor.UnknownTaskException;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.schedule.Schedule;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Worker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * What the starter promises, on one kind of broker. A subclass names the broker: it sets {@code
 * semafor.broker} for the class's application with a {@code @DynamicPropertySource}, gives {@link
 * #newBrokerUrl()} for the tests that start an application of their own, and deletes every store it
 * made in {@link #deleteBrokerStores()}.
 *
 * <p>The stores are deleted only once the class's application has closed, its worker stopped and
 * its broker closed: the application is not kept in Spring's context cache
 * ({@code @DirtiesContext}), so Spring closes it after the class, and {@link AfterTheApplication},
 * declared before {@code @SpringBootTest} so that it runs after Spring's own after-class step,
 * deletes the stores then. (Deleted under a running worker, they would leave it polling tables that
 * are gone.)
 */
@ExtendWith(SemaforStarterContract.AfterTheApplication.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoint.health.show-details=always",
      "semafor.worker.model=virtual",
      "semafor.worker.queues=default,cron",
      "semafor.worker.poll-interval=20ms"
    })
abstract class SemaforStarterContract {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired Client client;
  @Autowired SemaforWorkerLifecycle worker;
  @Autowired MeterRegistry meters;

  @Value("${local.server.port}")
  int port;

  /** A URL of a broker store of its own (a new file, a new schema...), for one test's app. */
  abstract String newBrokerUrl() throws Exception;

  /** Deletes the class's broker stores; called after every application on them has closed. */
  abstract void deleteBrokerStores() throws Exception;

  /** Calls {@link #deleteBrokerStores()} after Spring has closed the class's application. */
  static final class AfterTheApplication implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      if (context.getTestInstance().orElse(null) instanceof SemaforStarterContract contract) {
        contract.deleteBrokerStores();
      }
    }
  }

  @Test
  void aJobEnqueuedThroughTheClientBeanRunsOnTheApplicationsWorker() throws Exception {
    JobHandle job = client.enqueue("test.greet", Map.of("name", "Ada", "age", 36));

    JobRecord done = job.await(WAIT);

    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.result(TestApp.Greeting.class))
        .isEqualTo(new TestApp.Greeting("Hello, Ada (attempt 1)", true));
  }

  @Test
  void aTaskDefinitionBeanIsATask() throws Exception {
    JobHandle job = client.enqueue("test.shout", new TestApp.Person("Ada", 36));

    job.await(WAIT);

    assertThat(job.result(String.class)).isEqualTo("ADA");
  }

  @Test
  void aTaskBeanMadeByAnAnnotatedBeanMethodIsATask() throws Exception {
    JobHandle job = client.enqueue("test.age", Map.of("name", "Bo", "age", 7));

    job.await(WAIT);

    assertThat(job.result(TestApp.Greeting.class))
        .isEqualTo(new TestApp.Greeting("Bo is 7", false));
  }

  @Test
  void theClientBeanRefusesATaskNoBeanDeclares() {
    assertThatThrownBy(() -> client.enqueue("test.nope", Map.of()))
        .isInstanceOf(UnknownTaskException.class);
  }

  @Test
  void aPayloadTheMethodCannotBindFailsTheJobWithoutRetries() throws Exception {
    JobHandle job = client.enqueue("test.greet", Map.of("name", "Ada", "age", "old"));

    JobRecord done = job.await(WAIT);

    assertThat(done.state()).isEqualTo(JobState.DEAD);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.error().message()).contains("does not bind");
  }

  @Test
  void aCronMethodIsAScheduleOfTheWorker() {
    Worker running = worker.worker();

    assertThat(running.scheduler().schedules())
        .extracting(Schedule::name, Schedule::cron, Schedule::task)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("test.tick", "0 3 29 2 *", "test.tick"));
  }

  @Test
  void theWorkersMetersAreInTheApplicationsRegistry() throws Exception {
    client.enqueue("test.shout", new TestApp.Person("Bo", 7)).await(WAIT);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        meters.find("semafor.jobs.succeeded").tag("task", "test.shout").counter())
                    .isNotNull()
                    .satisfies(c -> assertThat(c.count()).isPositive()));
    assertThat(meters.find("semafor.jobs.in.flight").gauge()).isNotNull();
  }

  @Test
  void theHealthEndpointShowsTheBrokerAndTheWorker() throws Exception {
    HttpResponse<String> health = get(port, "/actuator/health/semafor");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"worker\":\"" + worker.worker().id() + "\"")
        .contains("\"leases_held\":");
  }

  @Test
  void closingTheApplicationHandsUnstartedJobsBackAndLeavesNoneRunning() throws Exception {
    String url = newBrokerUrl();
    ConfigurableApplicationContext app =
        start(
            url,
            "semafor.worker.model=threads",
            "semafor.worker.concurrency=2",
            "semafor.worker.shutdown-grace=60s");
    TestApp.Gate gate = app.getBean(TestApp.Gate.class);
    Client appClient = app.getBean(Client.class);
    Worker appWorker = app.getBean(SemaforWorkerLifecycle.class).worker();
    List<JobHandle> running = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      running.add(appClient.enqueue("test.block", null));
    }
    await().atMost(WAIT).until(() -> gate.waiting() == 2);
    List<JobHandle> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(appClient.enqueue("test.shout", new TestApp.Person("p" + i, i)));
    }
    // Both threads are busy: the worker leases its prefetch (2) into its local queue.
    await().atMost(WAIT).until(() -> appWorker.stats().inFlight() == 4);

    CompletableFuture<Void> closed = CompletableFuture.runAsync(app::close);
    try (Broker observer = Brokers.open(url);
        AutoCloseable cleanUp = () -> closeAfterwards(gate, app)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(states(observer))
                      .containsExactlyInAnyOrderEntriesOf(
                          Map.of(JobState.QUEUED, 5L, JobState.RUNNING, 2L)));
      gate.open();
      closed.get();

      assertThat(appWorker.stats().released()).isEqualTo(2);
      for (JobHandle h : running) {
        assertThat(observer.get(h.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      }
      for (JobHandle h : waiting) {
        assertThat(observer.get(h.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      }
      assertThat(count(observer, JobState.RUNNING)).isZero();
    }
  }

  @Test
  void aShutdownPhaseThatTimesOutStillLeavesNoJobRunning() throws Exception {
    String url = newBrokerUrl();
    ConfigurableApplicationContext app =
        start(
            url,
            "semafor.worker.concurrency=1",
            "semafor.worker.shutdown-grace=60s",
            "spring.lifecycle.timeout-per-shutdown-phase=1ms");
    TestApp.Gate gate = app.getBean(TestApp.Gate.class);
    JobHandle job = app.getBean(Client.class).enqueue("test.block", null);
    await().atMost(WAIT).until(() -> gate.waiting() == 1);

    Thread closer = Thread.ofPlatform().name("test-close").start(app::close);
    // Spring gives up on the stop phase at once and destroys the beans; the job runs on until the
    // gate opens. Open it only once the closer waits in the worker's destroy (or, were that not
    // there, has gone on to close the broker under the running job).
    await().atMost(WAIT).until(() -> inWorkerDestroy(closer) || !closer.isAlive());
    gate.open();
    closer.join();

    try (Broker observer = Brokers.open(url)) {
      assertThat(observer.get(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(count(observer, JobState.RUNNING)).isZero();
    }
  }

  /** On a failed assertion too: lets the blocked jobs end and closes the test's application. */
  private static void closeAfterwards(TestApp.Gate gate, ConfigurableApplicationContext app) {
    gate.open();
    app.close();
  }

  private static boolean inWorkerDestroy(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals(SemaforWorkerLifecycle.class.getName())
          && frame.getMethodName().equals("destroy")) {
        return true;
      }
    }
    return false;
  }

  /** How many jobs are in each state (states with none left out). */
  private static Map<JobState, Long> states(Broker broker) {
    Map<JobState, Long> out = new java.util.EnumMap<>(JobState.class);
    for (JobRecord job : broker.query(JobQuery.all())) {
      out.merge(job.state(), 1L, Long::sum);
    }
    return out;
  }

  private static long count(Broker broker, JobState state) {
    return broker.query(JobQuery.all().states(state)).size();
  }

  /** An application of the test's own on {@code brokerUrl}. */
  static ConfigurableApplicationContext start(String brokerUrl, String... properties) {
    return start(new Class<?>[] {TestApp.class}, brokerUrl, properties);
  }

  /** An application of {@code sources} on {@code brokerUrl}. */
  static ConfigurableApplicationContext start(
      Class<?>[] sources, String brokerUrl, String... properties) {
    List<String> all = new ArrayList<>();
    all.add("semafor.broker=" + brokerUrl);
    all.add("semafor.worker.poll-interval=20ms");
    all.add("spring.main.banner-mode=off");
    all.addAll(List.of(properties)); // later ones win
    boolean web = all.stream().anyMatch(p -> p.startsWith("server.port="));
    return new SpringApplicationBuilder(sources)
        .web(
            web
                ? org.springframework.boot.WebApplicationType.SERVLET
                : org.springframework.boot.WebApplicationType.NONE)
        .properties(all.toArray(String[]::new))
        .run();
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
