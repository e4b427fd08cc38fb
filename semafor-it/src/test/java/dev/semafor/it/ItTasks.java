package dev.semafor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Poison tasks for the fault tests, found by {@code semafor worker} through {@code
 * META-INF/services} on the test class path. They live here, not among the product's built-in
 * tasks: a built-in that stops its worker would let anyone who may enqueue a job stop the fleet.
 *
 * <ul>
 *   <li>{@code it.halt {"code": N}} — {@link Runtime#halt}: the worker's JVM ends at once, no
 *       shutdown hook runs, nothing is handed back.
 *   <li>{@code it.oom} — allocates until the heap is gone; a worker started with {@code
 *       -XX:+ExitOnOutOfMemoryError} ends with exit code 3.
 * </ul>
 */
public final class ItTasks implements TaskModule {
  static final String HALT = "it.halt";
  static final String OOM = "it.oom";

  /** The exit code {@code it.halt} ends its worker with unless its input names one. */
  static final int HALT_CODE = 86;

  @Override
  public void register(TaskRegistry registry) {
    registry.register(
        HALT,
        JsonNode.class,
        (input, ctx) -> {
          int code = input != null && input.has("code") ? input.get("code").asInt() : HALT_CODE;
          Runtime.getRuntime().halt(code);
          return null;
        });
    registry.register(OOM, JsonNode.class, (input, ctx) -> exhaustMemory());
  }

  private static Object exhaustMemory() {
    List<long[]> hoard = new ArrayList<>();
    while (true) {
      hoard.add(new long[1 << 20]); // 8 MiB at a time, all kept
    }
  }
}
