package dev.semafor.jdbc;

import dev.semafor.BrokerFatalException;
import dev.semafor.BrokerUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Where an SQLite broker keeps its jobs, from the part of the URL after {@code sqlite:}: a path
 * ({@code semafor.db} relative to the working directory, {@code /srv/semafor.db}, or {@code
 * ///srv/semafor.db}), or {@code :memory:} for a database that lives as long as the broker.
 *
 * <p>{@link #check} finds, before anything is written, the problems a user can fix: a missing
 * folder, a read-only file or folder, a file that is not SQLite, or an SQLite database that belongs
 * to something else (which Semafor must not touch — not even to switch it to WAL mode).
 *
 * @param file the absolute, normalized path; {@code null} for memory
 */
record SqliteLocation(Path file) {
  /**
   * Files up to this size are checked with SQLite's {@code quick_check} when opened: it reads the
   * whole file, about 0.3 s of CPU for 200 MiB (a million jobs).
   */
  static final long CHECKED_BYTES = 256L * 1024 * 1024;

  private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** Parses what follows {@code sqlite:} in a broker URL. */
  static SqliteLocation parse(String rest) {
    if (rest == null || rest.isBlank()) {
      throw new BrokerUnavailableException(
          "the sqlite: broker URL names no file; write sqlite:PATH, such as sqlite:semafor.db");
    }
    if (rest.equals(":memory:")) {
      return new SqliteLocation(null);
    }
    String path = rest.startsWith("//") ? rest.substring(2) : rest;
    return new SqliteLocation(Path.of(path).toAbsolutePath().normalize());
  }

  boolean isFile() {
    return file != null;
  }

  /** The file's path, or {@code :memory:}. */
  String name() {
    return file == null ? ":memory:" : file.toString();
  }

  String describe() {
    return "sqlite:" + name();
  }

  String jdbcUrl() {
    return "jdbc:sqlite:" + name();
  }

  /** Throws {@link BrokerUnavailableException} if the file cannot be Semafor's database. */
  void check(Dialect dialect) {
    if (file == null) {
      return;
    }
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      throw dialect.unusable(
          Files.exists(dir)
              ? dir + " is not a folder"
              : "the folder " + dir + " does not exist (create it first)");
    }
    if (Files.isDirectory(file)) {
      throw dialect.unusable("it is a folder, not a file");
    }
    if (!Files.exists(file)) {
      if (!Files.isWritable(dir)) {
        throw dialect.unusable(
            "the folder " + dir + " is read-only, so the file cannot be created");
      }
      return;
    }
    if (!Files.isReadable(file)) {
      throw dialect.unusable("it cannot be read (permission denied)");
    }
    if (!Files.isWritable(file)) {
      throw dialect.unusable("it is read-only (Semafor writes to its database)");
    }
    Path wal = Path.of(file + "-wal");
    if (!Files.isWritable(dir) && !Files.exists(wal)) {
      throw dialect.unusable(
          "its folder "
              + dir
              + " is read-only, and SQLite needs to create "
              + wal.getFileName()
              + " beside it");
    }
    if (!startsWithHeader()) {
      throw dialect.unusable("it is not a Semafor database (it is not an SQLite file at all)");
    }
    inspect(dialect);
  }

  /**
   * What identifies the file now at the path (its device and inode on Unix), or null where the
   * platform has no such key or the file is missing.
   */
  Object fileKey() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Null while the file at the path is still the one whose {@link #fileKey} was {@code opened};
   * else what became of it, as a clause.
   */
  String changedSince(Object opened) {
    if (!Files.exists(file)) {
      return "the file was deleted while open; what was written since went to the deleted file";
    }
    Object now = fileKey();
    return now == null || now.equals(opened)
        ? null
        : "the file was replaced by another file while open; what was written since went to the"
            + " old one";
  }

  /** True for an empty file (SQLite makes it a database) or one with SQLite's header. */
  private boolean startsWithHeader() {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(HEADER.length);
      return head.length == 0 || Arrays.equals(head, HEADER);
    } catch (IOException e) {
      throw new BrokerUnavailableException(
          "cannot use SQLite broker " + name() + ": it cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Looks through a read-only connection, which changes nothing: the file must hold Semafor's
   * tables (or none yet) and, up to {@link #CHECKED_BYTES}, pass SQLite's {@code quick_check}, so
   * that a corrupt file is refused by every command at once rather than by whichever happens to
   * read a damaged page.
   */
  private void inspect(Dialect dialect) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(SqliteDialect.BUSY_TIMEOUT_MS);
    try (Connection c = config.createConnection(jdbcUrl());
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table'"
                  + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.isEmpty() && !tables.contains(Schema.META)) {
        throw dialect.unusable(
            "it is not a Semafor database (it holds the tables "
                + String.join(", ", tables)
                + " and no "
                + Schema.META
                + ")");
      }
      if (!tables.isEmpty()
          && Files.size(file) <= CHECKED_BYTES) { // a new file has nothing to check
        try (ResultSet rs = st.executeQuery("PRAGMA quick_check(1)")) {
          String verdict =
              rs.next() ? rs.getString(1).replace("*** in database main ***", "").strip() : "ok";
          if (!"ok".equals(verdict)) {
            throw new BrokerFatalException(
                "cannot use SQLite broker "
                    + name()
                    + ": it is corrupt ("
                    + verdict.replaceAll("\\s+", " ")
                    + ")");
          }
        }
      }
    } catch (SQLException e) {
      throw dialect.unavailable("open", e);
    } catch (IOException e) {
      throw new BrokerUnavailableException(
          "cannot use SQLite broker " + name() + ": it cannot be read (" + e.getMessage() + ")", e);
    }
  }
}
