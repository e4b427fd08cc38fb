package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A broker that cannot be reached is one line on stderr and exit code 3; a broker URL's password is
 * never printed, failing or not.
 */
class BrokerUnavailableExitTest {
  @Test
  void statusOnAPostgresUrlWithAPasswordNeverPrintsThePassword() throws Exception {
    String schema = "t_cli_password_" + Long.toString(System.nanoTime(), 36);
    String url = "postgres://postgres:topsecret@127.0.0.1:5432/test?schema=" + schema;
    Result r = CliRun.run("status", "-b", url);
    try {
      if (r.code() == Main.UNAVAILABLE && !"true".equalsIgnoreCase(System.getenv("CI"))) {
        Assumptions.abort("PostgreSQL is not reachable at 127.0.0.1:5432; test skipped");
      }
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("no jobs in postgres://postgres:***@127.0.0.1:5432/test");
      assertThat(r.out() + r.err()).doesNotContain("topsecret");
    } finally {
      try (Connection c =
              DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        // no server: nothing was created
      }
    }
  }

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
