package dev.semafor;

/**
 * A set of tasks registered together, discovered with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.semafor.TaskModule} and a worker started from the
 * command line with your jar on its classpath finds your tasks.
 */
@FunctionalInterface
public interface TaskModule {
  void register(TaskRegistry registry);
}
