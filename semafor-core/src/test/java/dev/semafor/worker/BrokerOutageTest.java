package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.semafor.BrokerUnavailableException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A run of broker failures is told once, its pauses grow to a cap, and its end is told once. */
class BrokerOutageTest {
  private final Logger log = (Logger) LoggerFactory.getLogger("test.outage");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    log.setLevel(Level.DEBUG);
    lines.start();
    log.addAppender(lines);
  }

  @AfterEach
  void release() {
    log.detachAppender(lines);
  }

  @Test
  void aRunOfFailuresIsWarnedOnceAndItsEndToldOnce() {
    BrokerOutage outage = new BrokerOutage(log, "fetching", Duration.ofMillis(200));
    RuntimeException down = new BrokerUnavailableException("the server cannot be reached");
    for (int i = 0; i < 50; i++) {
      outage.failed(down);
    }
    outage.succeeded();
    outage.succeeded();

    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
    assertThat(lines.list.get(0).getFormattedMessage())
        .isEqualTo(
            "fetching failed, retrying until it works again:"
                + " dev.semafor.BrokerUnavailableException: the server cannot be reached");
    assertThat(lines.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .startsWith("fetching works again after 50 failed tries"));
    assertThat(outage.failing()).isFalse();
  }

  @Test
  void pausesDoubleFromTheFirstUpToFiveSecondsAndStartOverAfterASuccess() {
    BrokerOutage outage = new BrokerOutage(log, "fetching", Duration.ofMillis(200));
    RuntimeException down = new BrokerUnavailableException("down");
    long[] pauses = new long[8];
    for (int i = 0; i < pauses.length; i++) {
      pauses[i] = Duration.ofNanos(outage.failed(down)).toMillis();
    }
    assertThat(pauses).containsExactly(200, 400, 800, 1600, 3200, 5000, 5000, 5000);
    outage.succeeded();
    assertThat(Duration.ofNanos(outage.failed(down)).toMillis()).isEqualTo(200);
  }
}
