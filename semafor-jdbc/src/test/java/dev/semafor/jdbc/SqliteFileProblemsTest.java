package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.OpenMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file Semafor cannot use is refused before anything is written, with one sentence that names the
 * file and the problem.
 */
class SqliteFileProblemsTest {
  @TempDir Path dir;

  @Test
  void aFileInAMissingFolderIsRefusedNamingTheFolder() {
    Path file = dir.resolve("no-such-folder").resolve("semafor.db");

    assertRefused(file).hasMessageContaining("the folder " + file.getParent() + " does not exist");
    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void aReadOnlyFileIsRefused() throws Exception {
    Path file = dir.resolve("semafor.db");
    Brokers.open("sqlite:" + file).close();
    ReadOnly readOnly = ReadOnly.make(file);
    try {
      assertRefused(file).hasMessageContaining("it is read-only");
    } finally {
      readOnly.close();
    }
  }

  @Test
  void aNewFileInAReadOnlyFolderIsRefused() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("locked"));
    Path file = folder.resolve("semafor.db");
    ReadOnly readOnly = ReadOnly.make(folder);
    try {
      assertRefused(file).hasMessageContaining("the folder " + folder + " is read-only");
    } finally {
      readOnly.close();
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void aFileThatIsNotSqliteIsRefusedAndLeftAsItWas() throws Exception {
    Path file = dir.resolve("notes.db");
    Files.writeString(file, "shopping list: eggs, milk\n".repeat(50));
    byte[] before = Files.readAllBytes(file);

    assertRefused(file).hasMessageContaining("it is not a Semafor database (it is not an SQLite");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void anSqliteDatabaseOfSomethingElseIsRefusedAndNotTouched() throws Exception {
    Path file = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
      st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)");
    }
    byte[] before = Files.readAllBytes(file);

    assertRefused(file)
        .hasMessageContaining("it is not a Semafor database")
        .hasMessageContaining("orders, users")
        .hasMessageContaining("no semafor_meta");
    assertThat(Files.readAllBytes(file)).as("not even switched to WAL").isEqualTo(before);
    assertThat(Path.of(file + "-wal")).doesNotExist();
  }

  @Test
  void aCorruptFileIsRefused() throws Exception {
    Path file = dir.resolve("semafor.db");
    try (Broker broker = Brokers.open("sqlite:" + file)) {
      broker.enqueue(Jobs.queued("t", 10, new TestClock()));
    }
    overwrite(file, 100, 4_000); // the schema's page, after the 100-byte file header

    assertRefused(file).hasMessageContaining("corrupt");
  }

  @Test
  void aFileWrittenByANewerSemaforIsRefusedNamingBothVersions() throws Exception {
    Path file = dir.resolve("semafor.db");
    Brokers.open("sqlite:" + file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("UPDATE semafor_meta SET value = '99' WHERE key = 'schema_version'");
    }

    assertRefused(file)
        .hasMessageContaining("written by a newer Semafor")
        .hasMessageContaining("schema version 99")
        .hasMessageContaining(
            "up to " + new SqliteDialect(SqliteLocation.parse("x.db")).migrations().size());
  }

  @Test
  void aFolderGivenAsTheFileIsRefused() {
    assertRefused(dir).hasMessageContaining("it is a folder, not a file");
  }

  @Test
  void aUrlWithoutAPathIsRefused() {
    assertThatThrownBy(() -> Brokers.open("sqlite:"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("sqlite:PATH");
  }

  @Test
  void aJobPageCorruptedWhileOpenFailsOperationsWithTheSameClearError() throws Exception {
    Path file = dir.resolve("semafor.db");
    TestClock clock = new TestClock();
    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      broker.enqueue(Jobs.queued("t", 2_000, clock));
    }
    long size = Files.size(file);
    try (Broker broker = Brokers.open("sqlite:" + file, clock)) {
      overwrite(file, 4_096, (int) size - 4_096); // every page but the first

      assertThatThrownBy(() -> broker.stats())
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("corrupt")
          .hasMessageNotContaining("\n");
    }
  }

  /** Opening {@code file} fails with one sentence naming it. */
  @Test
  void aMissingFileOpenedAsExistingIsRefusedAndNotCreated() {
    Path file = dir.resolve("typo.db");

    assertThatThrownBy(
            () -> Brokers.open("sqlite:" + file, InstantSource.system(), OpenMode.EXISTING))
        .isInstanceOf(dev.semafor.SemaforException.class)
        .isNotInstanceOf(BrokerUnavailableException.class) // a typo, not a broker that may return
        .hasMessage(
            "cannot use SQLite broker "
                + file
                + ": the file does not exist (this command does not create one; check the path,"
                + " or enqueue a job or start a worker to create it)");
    assertThat(file).doesNotExist();
  }

  @Test
  void anExistingFileOpensAsExisting() {
    Path file = dir.resolve("semafor.db");
    Brokers.open("sqlite:" + file).close();

    Brokers.open("sqlite:" + file, InstantSource.system(), OpenMode.EXISTING).close();
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file) {
    return assertThatThrownBy(() -> Brokers.open("sqlite:" + file).close())
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageStartingWith("cannot use SQLite broker " + file + ": ")
        .hasMessageNotContaining("\n");
  }

  private static void overwrite(Path file, long from, int length) throws IOException {
    byte[] junk = new byte[length];
    Arrays.fill(junk, (byte) 0x5A);
    byte[] text = "not a b-tree page ".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, junk, 0, Math.min(text.length, length));
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(from);
      raf.write(junk);
    }
  }

  /**
   * Makes a file or folder read-only for this process, even for root (with {@code chattr +i}, which
   * root cannot write through); undone on close. Skips the test where neither works.
   */
  private record ReadOnly(Path path, boolean immutable) implements AutoCloseable {
    static ReadOnly make(Path path) throws IOException, InterruptedException {
      if (run("chattr", "+i", path.toString()) && !Files.isWritable(path)) {
        return new ReadOnly(path, true);
      }
      path.toFile().setWritable(false, false);
      ReadOnly made = new ReadOnly(path, false);
      if (Files.isWritable(path)) {
        made.close();
        Assumptions.abort("cannot make " + path + " read-only here (root without chattr)");
      }
      return made;
    }

    @Override
    public void close() throws IOException {
      if (immutable) {
        try {
          run("chattr", "-i", path.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        path.toFile().setWritable(true, false);
      }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
      try {
        return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
      } catch (IOException e) {
        return false; // no chattr on this system
      }
    }
  }

  static String journalMode(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }
}
