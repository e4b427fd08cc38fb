package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.JobState;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.JobRecord;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Redis going away under a running worker: the test's own {@code redis-server} (append-only file,
 * fsync always) is killed with SIGKILL mid-run and started again on the same port and folder.
 */
class RedisOutageTest {
  private static final int JOBS = 3_000;

  @TempDir Path dir;

  @BeforeAll
  static void redisServerInstalled() {
    boolean installed = RedisServer.installed();
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but redis-server is not installed");
    }
    assumeTrue(installed, "redis-server is not installed; Redis outage tests skipped");
  }

  @Test
  void aWorkerRidesOutAServerKilledAndRestartedMidRunAndNoJobIsLost() throws Exception {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    TaskRegistry registry =
        TaskRegistry.withBuiltins()
            .register(
                "it.record",
                JsonNode.class,
                (input, ctx) -> {
                  ran.add(ctx.jobId());
                  Thread.sleep(1);
                  return null;
                });
    ListAppender<ILoggingEvent> log = capture();
    try (RedisServer server = new RedisServer(dir).start();
        Broker broker = Brokers.open(TestRedis.url(server.port(), "outage"))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < JOBS; i += 500) {
        List<JobRecord> batch = new ArrayList<>();
        for (int k = 0; k < 500; k++) {
          batch.add(TestRedis.job("it.record").build());
        }
        broker.enqueue(batch);
        batch.forEach(j -> ids.add(j.id()));
      }
      Worker worker =
          new Worker(
                  broker,
                  registry,
                  WorkerConfig.parse("model=virtual,concurrency=8,lease=3s,heartbeat=500ms,id=w"))
              .start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> ran.size() >= JOBS / 5);
        server.kill();
        assertThatThrownBy(broker::stats).isInstanceOf(BrokerUnavailableException.class);
        server.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> succeeded(broker) == JOBS);
        assertThat(worker.isTerminated()).as("the worker stopped").isFalse();
      } finally {
        worker.close();
      }
      assertThat(ran).containsAll(ids);
      for (String id : ids) {
        assertThat(broker.get(id))
            .hasValueSatisfying(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
      }
    } finally {
      release(log);
    }
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().startsWith("lost the connection"))
        .as("the loss is logged once")
        .hasSize(1);
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().startsWith("reconnected"))
        .hasSize(1);
  }

  @Test
  void aServerThatMayEvictJobsIsWarnedAbout() throws Exception {
    ListAppender<ILoggingEvent> log = capture();
    try (RedisServer server = new RedisServer(dir, "--maxmemory-policy", "allkeys-lru").start();
        Broker broker = Brokers.open(TestRedis.url(server.port(), "evict"))) {
      assertThat(broker.stats()).isEmpty();
    } finally {
      release(log);
    }
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.contains("maxmemory-policy allkeys-lru") && m.contains("noeviction"));
  }

  private static long succeeded(Broker broker) {
    try {
      return broker.stats().stream().mapToLong(s -> s.count(JobState.SUCCEEDED)).sum();
    } catch (BrokerUnavailableException e) {
      return -1;
    }
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RedisStore.class);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(RedisStore.class);
    logger.detachAppender(appender);
    logger.setLevel(null);
  }
}
