package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The children's AOT cache on the command line: when it is used, and in place of what. */
class ChildCommandTest {
  @TempDir Path temp;

  @Test
  void anExistingCacheOnJdk25OrLaterTakesThePlaceOfXshareAuto() throws Exception {
    Path cache = Files.writeString(temp.resolve("child.aot"), "cache");
    Path used = ChildCommand.aotCache(cache.toString(), 25, List.of("-Xmx64m"));
    assertThat(used).isEqualTo(cache.toAbsolutePath());

    List<String> line = command(used).toList();
    assertThat(line)
        .contains("-XX:AOTCache=" + cache.toAbsolutePath())
        .doesNotContain("-Xshare:auto");
    assertThat(command(null).toList()).contains("-Xshare:auto").noneMatch(o -> o.contains("AOT"));
  }

  @Test
  void noCacheWithoutTheProperty_onAnOlderJdk_forAMissingFile_orWhenTheUserChoosesSharing()
      throws Exception {
    Path cache = Files.writeString(temp.resolve("child.aot"), "cache");
    String file = cache.toString();
    assertThat(ChildCommand.aotCache(null, 25, List.of())).isNull();
    assertThat(ChildCommand.aotCache(" ", 25, List.of())).isNull();
    assertThat(ChildCommand.aotCache(file, 24, List.of())).isNull();
    assertThat(ChildCommand.aotCache(temp.resolve("none.aot").toString(), 25, List.of())).isNull();
    assertThat(ChildCommand.aotCache(temp.toString(), 25, List.of())).as("a directory").isNull();
    for (String sharing :
        List.of(
            "-Xshare:off",
            "-XX:SharedArchiveFile=app.jsa",
            "-XX:AOTCache=other.aot",
            "-XX:AOTMode=off",
            "-XX:+AutoCreateSharedArchive")) {
      assertThat(ChildCommand.aotCache(file, 25, List.of("-Xmx64m", sharing))).as(sharing).isNull();
    }
  }

  @Test
  void theTrainingRecordsInsteadOfSharing() {
    Path output = temp.resolve("out.aot");
    for (Path cache : java.util.Arrays.asList(null, temp.resolve("in.aot"))) {
      List<String> line = ChildAotTraining.command(command(cache), output).command();
      assertThat(line)
          .contains("-XX:AOTCacheOutput=" + output)
          .doesNotContain("-Xshare:auto")
          .noneMatch(o -> o.startsWith("-XX:AOTCache="))
          .endsWith(ChildMain.class.getName());
    }
  }

  private static ChildCommand command(Path aotCache) {
    return new ChildCommand(Path.of("java"), List.of("-Xmx64m"), "app.jar", Map.of(), aotCache);
  }
}
