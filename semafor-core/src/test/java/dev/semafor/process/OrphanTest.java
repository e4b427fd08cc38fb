package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A parent JVM killed with SIGKILL leaves no child behind: each sees its stdin close and exits. */
@org.junit.jupiter.api.Timeout(300)
class OrphanTest {
  /**
   * One parent ({@link OrphanParentMain}) for both kinds of child, as a parent JVM costs a start:
   * two of a pool, one running a job and one idle, and one still in its warm-up.
   */
  @Test
  void childrenOfASigkilledParentExitServingIdleOrStillWarmingUp() throws Exception {
    List<Long> children = killParent();
    long warming = children.get(2);

    // Its warm-up never ends, and it reads no frames until it is over.
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(PoolFixture.alive(warming))
                    .as("the child still warming up, within moments of its parent's death")
                    .isFalse());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(children).noneMatch(PoolFixture::alive));
  }

  /** Runs {@link OrphanParentMain}, SIGKILLs it, returns its children's pids. */
  private static List<Long> killParent() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ChildImage.install(); // the parent's children start as the other tests' do
    String aotCache = System.getProperty(ChildCommand.AOT_CACHE_PROPERTY);
    List<String> cache =
        aotCache == null
            ? List.of()
            : List.of("-D" + ChildCommand.AOT_CACHE_PROPERTY + "=" + aotCache);
    List<String> command = new java.util.ArrayList<>();
    command.addAll(
        List.of(
            java,
            // cheap to start, as the children are (PoolFixture.CHILD_JVM)
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData"));
    command.addAll(cache);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), OrphanParentMain.class.getName()));
    Process parent =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Long> children;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("the parent's report").startsWith("pids ");
      children = Arrays.stream(line.substring(5).split(" ")).map(Long::valueOf).toList();
    } finally {
      parent.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
    }
    assertThat(children).hasSize(3).allMatch(PoolFixture::alive);
    assertThat(parent.waitFor()).isEqualTo(137);
    return children;
  }
}
