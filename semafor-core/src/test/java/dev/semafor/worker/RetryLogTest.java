package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A fault that lasts is logged once (then once a minute), and the retries back off. */
class RetryLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("RetryLogTest");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong now = new AtomicLong();
  private RetryLog retries;

  @BeforeEach
  void attach() {
    lines.start();
    logger.addAppender(lines);
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    retries =
        new RetryLog(logger, "fetching", Duration.ofMillis(200), Duration.ofSeconds(5), now::get);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  @Test
  void aFaultThatLastsIsLoggedOnceAndTheWaitsDoubleUpToTheCap() {
    IllegalStateException full = new IllegalStateException("the disk is full");
    long[] waits = new long[8];
    for (int i = 0; i < waits.length; i++) {
      waits[i] = Duration.ofNanos(retries.failed(full)).toMillis();
      now.addAndGet(Duration.ofMillis(waits[i]).toNanos());
    }

    assertThat(waits).containsExactly(200, 400, 800, 1600, 3200, 5000, 5000, 5000);
    assertThat(lines.list).hasSize(1);
    assertThat(lines.list.get(0).getFormattedMessage()).contains("fetching failed", "disk is full");
  }

  @Test
  void itIsLoggedAgainAfterAMinuteOrWhenTheErrorChangesAndWhenItEnds() {
    retries.failed(new IllegalStateException("the disk is full"));
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    retries.failed(new IllegalStateException("the disk is full"));
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    retries.failed(new IllegalStateException("the disk is full"));
    retries.failed(new IllegalStateException("an I/O error occurred"));
    retries.succeeded();
    retries.succeeded();

    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .satisfiesExactly(
            first -> assertThat(first).contains("disk is full"),
            minute -> assertThat(minute).contains("still failing after 3 tries"),
            changed -> assertThat(changed).contains("I/O error"),
            works -> assertThat(works).contains("works again after 4 failed tries"));
    assertThat(retries.failures()).isZero();
  }
}
