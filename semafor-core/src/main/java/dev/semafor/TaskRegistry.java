package dev.semafor;

import dev.semafor.task.BuiltinTasks;
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
  private final Map<String, TaskDefinition<?, ?>> tasks = new ConcurrentHashMap<>();

  /** An empty registry. */
  public TaskRegistry() {}

  /** The built-ins plus every {@link TaskModule} visible to {@code loader}. */
  public static TaskRegistry discover(ClassLoader loader) {
    TaskRegistry registry = withBuiltins();
    for (TaskModule module : ServiceLoader.load(TaskModule.class, loader)) {
      module.register(registry);
    }
    return registry;
  }

  /** The built-ins plus modules visible to this thread's context class loader. */
  public static TaskRegistry discover() {
    return discover(Thread.currentThread().getContextClassLoader());
  }

  /** A registry holding only the built-in {@code semafor.*} tasks. */
  public static TaskRegistry withBuiltins() {
    TaskRegistry registry = new TaskRegistry();
    new BuiltinTasks().register(registry);
    return registry;
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
