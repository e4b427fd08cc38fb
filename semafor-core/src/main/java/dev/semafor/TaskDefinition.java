package dev.semafor;

import java.util.Objects;

/**
 * A task registered under a name, with the type its JSON input binds to and the defaults its jobs
 * get ({@link TaskOptions}).
 */
public record TaskDefinition<I, O>(
    String name, Class<I> inputType, Task<I, O> task, TaskOptions options) {
  public TaskDefinition {
    Names.task(name);
    Objects.requireNonNull(inputType, "inputType");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(options, "options");
  }

  /** A task with no defaults. */
  public TaskDefinition(String name, Class<I> inputType, Task<I, O> task) {
    this(name, inputType, task, TaskOptions.defaults());
  }

  /** Binds {@code inputJson} to the input type and runs the task. */
  public Object invoke(String inputJson, JobContext context, Json json) throws Exception {
    I input = json.read(inputJson, inputType);
    return task.run(input, context);
  }
}
