package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers' JDK discovery ({@code bin/lib/jdk.sh}), run by bash in a controlled environment: a
 * PATH holding only the shell tools the scripts use (no java) and a JVM folder of our choosing.
 */
class LauncherTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final List<String> TOOLS =
      List.of("bash", "dirname", "readlink", "sed", "sort", "tail", "cut", "head", "env");

  @TempDir Path tmp;

  /** Runs {@code script} in bash with PATH = only {@link #TOOLS}, JAVA_HOME unset. */
  private Result bash(Path jvmDir, String script) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : TOOLS) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        Path real = Path.of(dir, tool);
        if (Files.isExecutable(real) && !Files.exists(bin.resolve(tool))) {
          Files.createSymbolicLink(bin.resolve(tool), real);
        }
      }
    }
    ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(), "-c", script);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", bin.toString());
    env.put("SEMAFOR_JVM_DIR", jvmDir.toString());
    pb.directory(tmp.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  record Result(int code, String out, String err) {}

  @Test
  void withoutAnyJdkTheLauncherSaysSoInOneLineAndExitsOne() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("jvm"));
    Result r = bash(empty, ROOT.resolve("bin/semafor") + " --version");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .contains("no JDK 21 or newer found")
        .contains("install a JDK 21+ or set JAVA_HOME");
  }

  @Test
  void findsAJdkInTheSystemFolderWhenNothingElseIsSet() throws Exception {
    Path jvm = Files.createDirectories(tmp.resolve("jvm"));
    Path thisJdk = Path.of(System.getProperty("java.home"));
    Files.createSymbolicLink(jvm.resolve("some-jdk"), thisJdk);
    Result r =
        bash(
            jvm,
            "source " + ROOT.resolve("bin/lib/jdk.sh") + " && semafor_find_jdk && echo $JAVA_HOME");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(jvm.resolve("some-jdk").toString());
  }

  @Test
  void javaHomeWinsWhenItIsNewEnough() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("jvm"));
    String home = System.getProperty("java.home");
    Result r =
        bash(
            empty,
            "export JAVA_HOME="
                + home
                + "; source "
                + ROOT.resolve("bin/lib/jdk.sh")
                + " && semafor_find_jdk && echo $SEMAFOR_JAVA");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(home + "/bin/java");
  }
}
