package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.jdbc.testing.PostgresTestServer;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL broker's own behaviour: its URL, its errors, and its schema's creation. */
class PostgresBrokerTest {
  private static final String PREFIX = PostgresTestServer.prefix(PostgresBrokerTest.class);

  @AfterAll
  static void dropSchemas() {
    PostgresTestServer.dropSchemas(PREFIX);
  }

  @Test
  void urlNamesUserPasswordHostPortDatabaseSchemaAndPool() {
    PostgresLocation l =
        PostgresLocation.parse(
            "postgres", "//app:p%40ss:w@db.example:6543/jobs?schema=work&pool=16");
    assertThat(l)
        .isEqualTo(new PostgresLocation("app", "p@ss:w", "db.example", 6543, "jobs", "work", 16));
    assertThat(l.describe()).isEqualTo("postgres://app@db.example:6543/jobs?schema=work");
    assertThat(l.toString()).doesNotContain("p@ss");
  }

  @Test
  void urlDefaultsToPort5432SchemaSemaforAndUserPostgres() {
    PostgresLocation l = PostgresLocation.parse("postgresql", "//localhost/jobs");
    assertThat(l)
        .isEqualTo(new PostgresLocation("postgres", null, "localhost", 5432, "jobs", "semafor", 0));
    assertThat(PostgresLocation.parse("postgres", "//u@[::1]:5433/d").server())
        .isEqualTo("[::1]:5433");
  }

  @Test
  void malformedUrlsAreRefusedWithOneLineThatHidesThePassword() {
    assertThatThrownBy(() -> PostgresLocation.parse("postgres", "//u:secret@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no database")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () -> PostgresLocation.parse("postgres", "//u:secret@host/db?schema=Bad-Name"))
        .hasMessageContaining("schema 'Bad-Name' is not a plain lower-case name")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> PostgresLocation.parse("postgres", "//u:secret@host/db?pool=0"))
        .hasMessageContaining("pool '0' is not a number from 1 to 1000");
    assertThatThrownBy(() -> PostgresLocation.parse("postgres", "//host/db?sslmode=require"))
        .hasMessageContaining("unknown parameter 'sslmode' (known: schema, pool)");
    assertThatThrownBy(() -> PostgresLocation.parse("postgres", "//host:99999/db"))
        .hasMessageContaining("port '99999'");
  }

  @Test
  void anUnreachableServerIsOneClearErrorWithoutThePassword() {
    // Port 1 on loopback: nothing listens, so the connection is refused at once.
    assertThatThrownBy(() -> Brokers.open("postgres://app:hunter2@127.0.0.1:1/jobs?schema=s"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageStartingWith(
            "cannot use PostgreSQL broker postgres://app@127.0.0.1:1/jobs?schema=s: the server at"
                + " 127.0.0.1:1 cannot be reached")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void describeLeavesThePasswordOut() {
    PostgresTestServer.assumeAvailable();
    String schema = PREFIX + "_describe";
    String url = PostgresTestServer.url(schema).replace("postgres@", "postgres:topsecret@");
    try (Broker broker = Brokers.open(url)) {
      assertThat(broker.describe()).doesNotContain("topsecret").endsWith("?schema=" + schema);
    }
  }

  @Test
  void aPausedQueueStaysPausedWhenTheBrokerIsOpenedAgain() {
    PostgresTestServer.assumeAvailable();
    String url = PostgresTestServer.url(PREFIX + "_paused");
    try (Broker broker = Brokers.open(url)) {
      broker.pauseQueue("mail");
    }
    try (Broker reopened = Brokers.open(url)) {
      assertThat(reopened.pausedQueues()).containsExactly("mail");
      assertThat(reopened.stats()).singleElement().satisfies(q -> assertThat(q.paused()).isTrue());
    }
  }

  @Test
  void tenHandlesOpeningAnEmptyDatabaseAtOnceCreateTheSchemaOnce() throws Exception {
    PostgresTestServer.assumeAvailable();
    String schema = PREFIX + "_ten";
    int handles = 10;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(handles);
    List<Future<Broker>> opened = new ArrayList<>();
    try {
      for (int i = 0; i < handles; i++) {
        opened.add(
            pool.submit(
                () -> {
                  start.await();
                  return Brokers.open(PostgresTestServer.url(schema, "pool=1"));
                }));
      }
      start.countDown();
      for (Future<Broker> f : opened) {
        f.get(1, TimeUnit.MINUTES).close();
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = PostgresTestServer.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT value FROM " + schema + ".semafor_meta WHERE key = 'schema_version'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(SqliteSchemaTest.CURRENT);
      assertThat(rs.next()).isFalse();
    }
  }
}
