package dev.semafor.cli;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.ScheduleRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A SQLite broker in a fresh temporary file for each test, open in the test while commands run on
 * it: {@code @RegisterExtension final SqliteFixture db = new SqliteFixture();}.
 */
final class SqliteFixture implements BeforeEachCallback, AfterEachCallback {
  private Path dir;
  private String url;
  private Broker broker;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("semafor-cli-test-");
    url = "sqlite:" + dir.resolve("test.db");
    broker = Brokers.open(url);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    broker.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The broker's URL, as {@code --broker} takes it. */
  String url() {
    return url;
  }

  /** The test's own handle on the broker, to arrange jobs and look at them. */
  Broker broker() {
    return broker;
  }

  /** Runs {@code args} followed by {@code --broker URL}. */
  CliRun.Result run(String... args) {
    return CliRun.onBroker(url, args);
  }

  /**
   * Records what a worker running the schedule "nightly" (03:00 in Sofia, {@code semafor.noop} on
   * queue {@code reports}) stores: {@code last}, a tick it handled or the mark of its registration,
   * and the {@code next} tick due.
   */
  void claimNightly(Instant last, Instant next) {
    broker.claimTick(
        new ScheduleRecord(
            "nightly",
            "0 3 * * *",
            ZoneId.of("Europe/Sofia"),
            "semafor.noop",
            "reports",
            last,
            next),
        last,
        null);
  }

  /** Leases one job of queue {@code default} as a worker would. */
  Lease leaseOne() {
    return broker
        .lease(new LeaseRequest(List.of("default"), 1, "test-worker", Duration.ofMinutes(5)))
        .get(0);
  }
}
