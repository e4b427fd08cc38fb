package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

/** A broker that cannot be reached is one line on stderr and exit code 3, its password hidden. */
class BrokerUnavailableExitTest {
  @Test
  void enqueueToAnUnreachablePostgresServerExitsWith3AndOneLine() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    Result r =
        CliRun.run(
            "enqueue", "-b", "postgres://app:hunter2@127.0.0.1:1/jobs?schema=s", "semafor.noop");
    assertThat(r.code()).as(r.err()).isEqualTo(Main.UNAVAILABLE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith("semafor enqueue: cannot use PostgreSQL broker postgres://app@127.0.0.1:1/jobs")
        .contains("cannot be reached")
        .doesNotContain("hunter2");
  }

  @Test
  void aMalformedPostgresUrlIsAUsageError() {
    Result r = CliRun.run("enqueue", "-b", "postgres://app:hunter2@host", "semafor.noop");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("names no database").doesNotContain("hunter2");
  }
}
