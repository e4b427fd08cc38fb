package dev.semafor.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The starter on the embedded default: SQLite files in a temporary folder, deleted after the
 * class's application has closed.
 */
class SqliteStarterTest extends SemaforStarterContract {
  private static final Path DIR = tempDir();

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry registry) {
    registry.add("semafor.broker", () -> "sqlite:" + DIR.resolve("app.db"));
  }

  @Override
  String newBrokerUrl() throws IOException {
    return "sqlite:" + Files.createTempFile(DIR, "own-", ".db");
  }

  @Override
  void deleteBrokerStores() throws IOException {
    FileSystemUtils.deleteRecursively(DIR);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("semafor-starter-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
