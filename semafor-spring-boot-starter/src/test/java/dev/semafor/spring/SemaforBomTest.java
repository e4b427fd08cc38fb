package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * semafor-bom has no parent (so that importing it pins nothing but Semafor), so nothing keeps it in
 * step with the build but this: it lists every published module of the parent, at its version.
 */
class SemaforBomTest {
  private static final Path ROOT = Path.of("..");

  /** Modules that are not libraries, so not in the BOM. */
  private static final List<String> NOT_PUBLISHED =
      List.of("semafor-bench", "semafor-bom", "semafor-it", "examples/spring-boot-app");

  @Test
  void theBomListsEveryPublishedModuleAtTheParentsVersion() throws IOException {
    String parent = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("semafor-bom/pom.xml"));

    assertThat(firstVersion(bom)).isEqualTo(firstVersion(parent));
    List<String> published = new ArrayList<>(all("<module>([^<]+)</module>", parent));
    published.removeAll(NOT_PUBLISHED);
    assertThat(all("<artifactId>([^<]+)</artifactId>", bom)).containsAll(published);
  }

  /** The project's own version: the first {@code <version>} after its {@code <artifactId>}. */
  private static String firstVersion(String pom) {
    Matcher m =
        Pattern.compile(
                "</modelVersion>.*?<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)<",
                Pattern.DOTALL)
            .matcher(pom.replaceAll("(?s)<parent>.*?</parent>", ""));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static List<String> all(String regex, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group(1).trim());
    }
    return found;
  }
}
