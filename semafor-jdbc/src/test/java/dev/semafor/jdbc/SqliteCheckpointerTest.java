package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background checkpoints: WAL pages reach the database file without a writer's help. */
class SqliteCheckpointerTest {
  @TempDir Path dir;

  @Test
  void copiesTheLogIntoTheFileOverAndOverUntilClosed() throws Exception {
    Path file = dir.resolve("c.db");
    String url = "jdbc:sqlite:" + file;
    try (Connection writer = DriverManager.getConnection(url)) {
      try (Statement st = writer.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA wal_autocheckpoint=0"); // only the checkpointer copies pages
        st.execute("CREATE TABLE t (v TEXT)");
      }
      long empty = Files.size(file);
      Connection own = DriverManager.getConnection(url);
      SqliteCheckpointer checkpointer = new SqliteCheckpointer(own, "c.db").start();
      try {
        insert(writer, 256); // ~1 MB, in the log only until a checkpoint copies it
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(file) > empty + 512 * 1024);

        long once = Files.size(file);
        insert(writer, 256); // the prepared statement runs again: the next batch is copied too
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(file) > once + 512 * 1024);
      } finally {
        checkpointer.close();
      }
      assertThat(own.isClosed()).as("closed with the checkpointer").isTrue();
    }
  }

  private static void insert(Connection c, int rows) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
      String text = "x".repeat(4000);
      for (int i = 0; i < rows; i++) {
        ps.setString(1, text + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    c.commit();
    c.setAutoCommit(true);
  }
}
