package dev.semafor.cli.usertasks;

import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user's task module, as if from their own jar. Not listed in any service file on the test
 * classpath: a test puts it in a jar of its own and passes that with {@code --classpath}.
 */
public final class GreetingModule implements TaskModule {
  public static final String TASK = "test.greet";

  /** Describes the JVM it runs in: {@code pid}, {@code max_heap} (bytes), {@code collectors}. */
  public static final String JVM = "test.jvm";

  /** Counts its runs in the JVM it runs in and returns the count. */
  public static final String COUNT = "test.count";

  private static final AtomicInteger RUNS = new AtomicInteger();

  /** Input of {@code test.greet}. */
  public record Greeting(String name) {}

  @Override
  public void register(TaskRegistry registry) {
    registry.register(TASK, Greeting.class, (input, ctx) -> "hello, " + input.name());
    registry.register(JVM, Object.class, (input, ctx) -> describeJvm());
    registry.register(COUNT, Object.class, (input, ctx) -> RUNS.incrementAndGet());
  }

  private static Map<String, Object> describeJvm() {
    List<String> collectors =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList();
    return Map.of(
        "pid",
        ProcessHandle.current().pid(),
        "max_heap",
        Runtime.getRuntime().maxMemory(),
        "collectors",
        collectors);
  }
}
