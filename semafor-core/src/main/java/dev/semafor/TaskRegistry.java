package dev.semafor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks by name. Built by hand ({@link #register}) or from the classpath ({@link #discover}), which
 * adds the built-in {@code semafor.*} tasks and every {@link TaskModule} that {@link ServiceLoader}
 * finds. Only registered names ever run: a job names a task, never a class.
 */
public final class TaskRegistry {
  /** Where the built-in tasks live ({@link #isBuiltIn}). */
  private static final String BUILT_IN_PACKAGE = TaskRegistry.class.getPackageName() + ".task";

  private final Map<String, TaskDefinition<?, ?>> tasks = new ConcurrentHashMap<>();

  /** An empty registry. */
  public TaskRegistry() {}

  /** The built-ins plus every {@link TaskModule} visible to {@code loader}. */
  public static TaskRegistry discover(ClassLoader loader) {
    TaskRegistry registry = withBuiltins();
    ServiceLoader.load(TaskModule.class, loader).stream()
        .filter(p -> !isBuiltIn(p.type()))
        .forEach(p -> p.get().register(registry));
    return registry;
  }

  /** The built-ins plus modules visible to this thread's context class loader. */
  public static TaskRegistry discover() {
    return discover(Thread.currentThread().getContextClassLoader());
  }

  /** A registry holding only the built-in {@code semafor.*} tasks. */
  public static TaskRegistry withBuiltins() {
    TaskRegistry registry = new TaskRegistry();
    ServiceLoader.load(TaskModule.class, TaskRegistry.class.getClassLoader()).stream()
        .filter(p -> isBuiltIn(p.type()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the built-in tasks are missing: semafor-core's"
                        + " META-INF/services/dev.semafor.TaskModule was not found"))
        .get()
        .register(registry);
    return registry;
  }

  /**
   * Whether {@code module} is the core's own module of built-in tasks ({@code
   * dev.semafor.task.BuiltinTasks}). It is registered as a service like any other, so that this
   * package does not depend on the one that holds the tasks; {@link #discover} adds it once.
   */
  private static boolean isBuiltIn(Class<? extends TaskModule> module) {
    return module.getPackageName().equals(BUILT_IN_PACKAGE);
  }

  public <I, O> TaskRegistry register(String name, Class<I> inputType, Task<I, O> task) {
    return register(new TaskDefinition<>(name, inputType, task));
  }

  /** Registers a task whose jobs get {@code defaults} unless they set their own. */
  public <I, O> TaskRegistry register(
      String name, Class<I> inputType, Task<I, O> task, TaskOptions defaults) {
    return register(new TaskDefinition<>(name, inputType, task, defaults));
  }

  public TaskRegistry register(TaskDefinition<?, ?> definition) {
    TaskDefinition<?, ?> previous = tasks.putIfAbsent(definition.name(), definition);
    if (previous != null && previous != definition) {
      throw new IllegalStateException("task '" + definition.name() + "' is already registered");
    }
    return this;
  }

  public Optional<TaskDefinition<?, ?>> find(String name) {
    return Optional.ofNullable(tasks.get(name));
  }

  /** The task named {@code name}, or {@link UnknownTaskException}. */
  public TaskDefinition<?, ?> require(String name) {
    TaskDefinition<?, ?> definition = tasks.get(name);
    if (definition == null) {
      throw new UnknownTaskException(name, names());
    }
    return definition;
  }

  public boolean contains(String name) {
    return tasks.containsKey(name);
  }

  /** Registered names, sorted. */
  public List<String> names() {
    return List.copyOf(new TreeMap<>(tasks).keySet());
  }
}
