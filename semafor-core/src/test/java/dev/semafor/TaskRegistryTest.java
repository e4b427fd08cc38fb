package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.task.BuiltinTasks;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

  @Test
  void aRegisteredTaskIsFoundByName() throws Exception {
    TaskRegistry registry = new TaskRegistry().register("double", Integer.class, (n, ctx) -> n * 2);

    TaskDefinition<?, ?> task = registry.require("double");

    assertThat(task.inputType()).isEqualTo(Integer.class);
    assertThat(task.invoke("21", null, Json.defaults())).isEqualTo(42);
    assertThat(registry.contains("double")).isTrue();
    assertThat(registry.find("triple")).isEmpty();
  }

  @Test
  void registeringANameTwiceIsRefused() {
    TaskRegistry registry = new TaskRegistry().register("t", String.class, (s, ctx) -> s);

    assertThatThrownBy(() -> registry.register("t", Integer.class, (n, ctx) -> n))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("task 't' is already registered");
    assertThat(registry.require("t").inputType()).isEqualTo(String.class);
  }

  @Test
  void anUnknownNameFailsListingTheKnownOnesSorted() {
    TaskRegistry registry =
        new TaskRegistry()
            .register("zeta", String.class, (s, ctx) -> s)
            .register("alpha", String.class, (s, ctx) -> s);

    assertThatThrownBy(() -> registry.require("beta"))
        .isInstanceOf(UnknownTaskException.class)
        .hasMessage("unknown task 'beta' (registered: alpha, zeta)")
        .satisfies(e -> assertThat(((UnknownTaskException) e).task()).isEqualTo("beta"));
  }

  @Test
  void aBlankTaskNameIsRefused() {
    assertThatThrownBy(() -> new TaskRegistry().register(" ", String.class, (s, ctx) -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task name must not be blank");
  }

  @Test
  void withBuiltinsHoldsExactlyTheSevenBuiltInTasks() {
    assertThat(TaskRegistry.withBuiltins().names())
        .containsExactly(
            dev.semafor.task.ExecutionLog.TASK,
            BuiltinTasks.CLOCK,
            BuiltinTasks.ECHO,
            BuiltinTasks.FAIL,
            BuiltinTasks.NOOP,
            BuiltinTasks.PRIMES,
            BuiltinTasks.SLEEP);
  }

  @Test
  void discoverFindsTaskModulesListedAsServicesBesideTheBuiltIns() throws Exception {
    TaskRegistry registry = TaskRegistry.discover(getClass().getClassLoader());

    assertThat(registry.names()).contains(TestTaskModule.GREET, BuiltinTasks.NOOP);
    assertThat(
            registry
                .require(TestTaskModule.GREET)
                .invoke("{\"name\":\"Ana\"}", null, Json.defaults()))
        .isEqualTo("hello, Ana");
  }

  @Test
  void discoverFindsOnlyWhatTheGivenClassLoaderSees() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThat(TaskRegistry.discover(empty).names())
          .isEqualTo(TaskRegistry.withBuiltins().names());
    }
  }
}
