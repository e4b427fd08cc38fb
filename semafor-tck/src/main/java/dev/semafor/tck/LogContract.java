package dev.semafor.tck;

import static dev.semafor.tck.TestJobs.queued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LogLine;
import dev.semafor.spi.LogLines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Job log lines ({@link dev.semafor.spi.Broker#appendLogs}): appended under a live lease only, kept
 * oldest first with their times, across attempts, the last {@link LogLine#MAX_LINES} of them, every
 * character as written; gone with the job.
 */
abstract class LogContract extends BrokerFixture {

  @Test
  final void linesAppendedUnderALeaseAreKeptOldestFirstWithTheirTimes() {
    Lease lease = leased();
    LogLine first = line("starting");
    clock.advance(Duration.ofMillis(1500));
    LogLine second = line("halfway");
    LogLine third = line("done");

    assertThat(append(lease.ref(), first)).isTrue();
    assertThat(append(lease.ref(), second, third)).isTrue();

    assertThat(broker.logs(lease.job().id())).containsExactly(first, second, third);
  }

  @Test
  final void aStaleTokenOrAnUnknownJobAppendsNothing() {
    Lease lease = leased();
    append(lease.ref(), line("kept"));
    broker.complete(List.of(new Completion(lease.ref(), "1")));
    Lease other = leased();

    List<Boolean> applied =
        broker.appendLogs(
            List.of(
                new LogLines(lease.ref(), List.of(line("too late"))),
                new LogLines(other.ref(), List.of(line("on time"))),
                new LogLines(new LeaseRef("no-such-job", "t.1"), List.of(line("nobody")))));

    assertThat(applied).containsExactly(false, true, false);
    assertThat(broker.logs(lease.job().id())).extracting(LogLine::text).containsExactly("kept");
    assertThat(broker.logs(other.job().id())).extracting(LogLine::text).containsExactly("on time");
    assertThat(broker.logs("no-such-job")).isEmpty();
  }

  @Test
  final void aJobKeepsItsLastLines() {
    Lease lease = leased();
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < LogLine.MAX_LINES + 20; i++) {
      lines.add(line("line " + i));
    }

    append(lease.ref(), lines.subList(0, 70).toArray(LogLine[]::new));
    append(lease.ref(), lines.subList(70, lines.size()).toArray(LogLine[]::new));

    assertThat(broker.logs(lease.job().id()))
        .containsExactlyElementsOf(lines.subList(20, lines.size()));
  }

  @Test
  final void everyCharacterComesBackAsWritten() {
    Lease lease = leased();
    String odd = "quote \" backslash \\ slash / tab \t ünïcödé ✓ 😀 {\"json\": [1]} \u0001";
    String longest = "x".repeat(LogLine.MAX_CHARS - 2) + "😀";

    append(lease.ref(), line(odd), line(longest), line(""));

    assertThat(broker.logs(lease.job().id()))
        .extracting(LogLine::text)
        .containsExactly(odd, longest, "");
  }

  @Test
  final void linesOfEveryAttemptAreKept() {
    enqueue(queued("t").maxAttempts(3));
    Lease first = leaseOne(QUEUE);
    append(first.ref(), line("attempt 1"));
    broker.fail(List.of(Failure.retry(first.ref(), JobError.of("E", "boom"), clock.instant())));
    Lease second = leaseOne(QUEUE);

    append(second.ref(), line("attempt 2"));

    assertThat(broker.logs(second.job().id()))
        .extracting(LogLine::text)
        .containsExactly("attempt 1", "attempt 2");
  }

  @Test
  final void theLinesGoWithTheJob() {
    Lease lease = leased();
    append(lease.ref(), line("bye"));
    broker.complete(List.of(new Completion(lease.ref(), "1")));

    assertThat(broker.delete(lease.job().id())).isTrue();

    assertThat(broker.logs(lease.job().id())).isEmpty();
  }

  @Test
  final void aJobThatWroteNothingHasNoLines() {
    JobRecord job = enqueue(queued("t"));

    assertThat(broker.logs(job.id())).isEmpty();
    assertThat(broker.appendLogs(List.of())).isEmpty();
  }

  private Lease leased() {
    enqueue(queued("t"));
    return leaseOne(QUEUE);
  }

  private LogLine line(String text) {
    return new LogLine(clock.instant(), text);
  }

  private boolean append(LeaseRef ref, LogLine... lines) {
    List<Boolean> applied = broker.appendLogs(List.of(new LogLines(ref, List.of(lines))));
    assertThat(applied).hasSize(1);
    return applied.get(0);
  }
}
