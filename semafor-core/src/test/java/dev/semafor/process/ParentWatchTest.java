package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The watch of a child's parent: every 20 ms until the child serves, then once a second. (Its halt
 * when the parent dies is {@link OrphanTest}'s: here the parent it watches is this JVM's own.)
 */
class ParentWatchTest {
  @Test
  void checksOftenUntilTheChildServesThenOnceASecond() {
    String parent = Long.toString(ProcessHandle.current().parent().orElseThrow().pid());
    ParentWatch watch = ParentWatch.start(parent);

    assertThat(watch.every()).isEqualTo(ParentWatch.EVERY);
    watch.serving();
    assertThat(watch.every()).isEqualTo(ParentWatch.EVERY_WHILE_SERVING);
    assertThat(ParentWatch.started()).isSameAs(watch);
  }
}
