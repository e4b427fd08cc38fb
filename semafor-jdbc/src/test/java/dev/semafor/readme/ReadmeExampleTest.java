package dev.semafor.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md's Java example is this module's {@link Greetings}, word for word, and it runs. */
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCE =
      Path.of("src", "test", "java", "dev", "semafor", "readme", "Greetings.java");

  @Test
  void theReadmeQuotesGreetingsWordForWord() throws IOException {
    assertThat(readmeSnippet()).isEqualTo(sourceSnippet());
  }

  @Test
  void theExampleRunsAJobOnASqliteFile(@TempDir Path dir) throws Exception {
    String url = "sqlite:" + dir.resolve("jobs.db");

    assertThat(Greetings.greet(url, "Ada")).isEqualTo("Hello, Ada");
  }

  /** The java block that follows the marker comment in README.md. */
  private static String readmeSnippet() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("<!-- snippet: Greetings\\.java -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(m.find())
        .as("README.md has a java block after <!-- snippet: Greetings.java -->")
        .isTrue();
    return m.group(1);
  }

  /** The lines between the README markers of Greetings.java. */
  private static String sourceSnippet() throws IOException {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    int begin = source.indexOf("// README:begin\n") + "// README:begin\n".length();
    int end = source.indexOf("// README:end");
    return source.substring(begin, end);
  }
}
