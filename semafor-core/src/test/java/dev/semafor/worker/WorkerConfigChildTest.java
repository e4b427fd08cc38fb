package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.ExecutionModel;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings of the processes model's children in a {@link WorkerConfig}. */
class WorkerConfigChildTest {
  @Test
  void childSettingsDefaultToNone() {
    WorkerConfig c = WorkerConfig.builder().model(ExecutionModel.PROCESSES).build();
    assertThat(c.childClasspath()).isEmpty();
    assertThat(c.childWarmUps()).isEmpty();
    assertThat(c.childJvmOptions()).isEmpty();
    assertThat(c.maxJobsPerChild()).isZero();
  }

  @Test
  void childClasspathParsesAndShowsInTheCompactForm() {
    String entries = String.join(File.pathSeparator, "/opt/tasks/a.jar", "/opt/tasks/classes");
    WorkerConfig c =
        WorkerConfig.parse("model=processes,concurrency=2,child-classpath=" + entries + ",id=w");
    assertThat(c.childClasspath())
        .containsExactly(Path.of("/opt/tasks/a.jar"), Path.of("/opt/tasks/classes"));
    assertThat(c.toString()).contains(",child-classpath=" + entries);
    assertThat(WorkerConfig.parse(c.toString())).isEqualTo(c);
  }

  @Test
  void builderCarriesWarmUpsAndClasspathThroughToBuilder() {
    List<WarmUpJob> warmUps = List.of(WarmUpJob.parse("semafor.primes={\"n\":2}"));
    WorkerConfig c =
        WorkerConfig.builder()
            .model(ExecutionModel.PROCESSES)
            .childWarmUps(warmUps)
            .childClasspath(List.of(Path.of("x.jar")))
            .build();
    WorkerConfig copy = c.toBuilder().concurrency(1).build();
    assertThat(copy.childWarmUps()).isEqualTo(warmUps);
    assertThat(copy.childClasspath()).containsExactly(Path.of("x.jar"));
  }

  @Test
  void childJvmOptionsThatWriteToStdoutAreRefused() {
    assertThatThrownBy(() -> WorkerConfig.builder().childJvmOptions(List.of("-verbose:gc")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("JVM option -verbose:gc writes to stdout");
  }
}
