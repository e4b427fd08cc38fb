package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmOptionsTest {
  @Test
  void withNothingGivenTheDefaultsStay() {
    assertThat(ChildJvmOptions.of(null, List.of())).isEqualTo(ChildJvmOptions.DEFAULTS);
  }

  @Test
  void aHeapSizeReplacesTheDefaultHeap() {
    assertThat(ChildJvmOptions.of("512m", List.of()))
        .containsExactly("-Xmx512m", "-XX:+UseSerialGC");
    assertThat(ChildJvmOptions.of("2G", List.of("-Xss512k")))
        .containsExactly("-Xmx2G", "-XX:+UseSerialGC", "-Xss512k");
  }

  @Test
  void theUsersOptionsComeAfterTheDefaults() {
    assertThat(ChildJvmOptions.of(null, List.of("-XX:TieredStopAtLevel=1", "-Dk=v")))
        .containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dk=v");
  }

  @Test
  void aCollectorReplacesTheDefaultCollector() {
    assertThat(ChildJvmOptions.of(null, List.of("-XX:+UseG1GC")))
        .containsExactly("-Xmx256m", "-XX:+UseG1GC");
    assertThat(ChildJvmOptions.of("1g", List.of("-XX:+UseParallelGC", "-XX:ParallelGCThreads=1")))
        .containsExactly("-Xmx1g", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1");
  }

  @Test
  void aHeapAmongTheOptionsReplacesTheDefaultHeapButNotAHeapSizeToo() {
    assertThat(ChildJvmOptions.of(null, List.of("-Xmx1g")))
        .containsExactly("-XX:+UseSerialGC", "-Xmx1g");
    assertThat(ChildJvmOptions.of(null, List.of("-XX:MaxHeapSize=1g")))
        .containsExactly("-XX:+UseSerialGC", "-XX:MaxHeapSize=1g");
    assertThatThrownBy(() -> ChildJvmOptions.of("512m", List.of("-Xmx1g")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the child heap is given twice: as a heap size (512m) and as -Xmx in the options");
  }

  @Test
  void heapSizesAreCheckedForForm() {
    assertThat(ChildJvmOptions.heapOption("512m")).isEqualTo("-Xmx512m");
    assertThat(ChildJvmOptions.heapOption("16M")).isEqualTo("-Xmx16M");
    assertThat(ChildJvmOptions.heapOption("1048576k")).isEqualTo("-Xmx1048576k");
    assertThat(ChildJvmOptions.heapOption("16777216")).isEqualTo("-Xmx16777216");
    for (String bad : List.of("", "m", "512 m", "1.5g", "-1g", "512mb", "2x", "0x10m")) {
      assertThatThrownBy(() -> ChildJvmOptions.heapOption(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "child heap size '"
                  + bad
                  + "' is not a size: expected a whole number and a unit, e.g. 512m or 2g");
    }
    assertThatThrownBy(() -> ChildJvmOptions.heapOption("15m"))
        .hasMessage("child heap size '15m' is too small: the smallest accepted is 16m");
    assertThatThrownBy(() -> ChildJvmOptions.heapOption("0"))
        .hasMessage("child heap size '0' is too small: the smallest accepted is 16m");
    assertThatThrownBy(() -> ChildJvmOptions.heapOption("99999999999t"))
        .hasMessage("child heap size '99999999999t' is too large");
  }

  @Test
  void optionsThatWriteToStdoutOrAreBlankAreRefused() {
    assertThatThrownBy(() -> ChildJvmOptions.of(null, List.of("-verbose:gc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("JVM option -verbose:gc writes to stdout");
    assertThatThrownBy(() -> ChildJvmOptions.of("1g", List.of("-Xlog:gc")))
        .hasMessageStartingWith("JVM option -Xlog:gc logs to stdout");
    assertThatThrownBy(() -> ChildJvmOptions.of(null, List.of(" ")))
        .hasMessage("a JVM option must not be blank");
  }
}
