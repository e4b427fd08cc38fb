package dev.semafor.worker;

import dev.semafor.JobContext;
import dev.semafor.JobError;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.TaskDefinition;
import dev.semafor.TaskRegistry;
import dev.semafor.UnknownTaskException;
import java.util.concurrent.CancellationException;

/**
 * Runs one attempt in this JVM: finds the task by name, binds the JSON input, calls it, and turns
 * what happened into an {@link Outcome}. Never throws (but for {@link Error}s that are not the
 * task's fault, such as {@link OutOfMemoryError}, which are reported as failures too). Used by the
 * in-process pools and by each child of the process pool.
 */
public final class JobExecutor {
  /** The success of a task that returned nothing: one for all, not one per job. */
  private static final Outcome.Succeeded NO_RESULT = new Outcome.Succeeded("null");

  private final TaskRegistry registry;
  private final Json json;

  public JobExecutor(TaskRegistry registry, Json json) {
    this.registry = registry;
    this.json = json;
  }

  public TaskRegistry registry() {
    return registry;
  }

  public Outcome execute(String task, String inputJson, JobContext context) {
    TaskDefinition<?, ?> definition;
    try {
      definition = registry.require(task);
    } catch (UnknownTaskException e) {
      return new Outcome.Failed(JobError.of(e), false);
    }
    return execute(definition, inputJson, context);
  }

  /** Runs an attempt of a task already looked up (the worker finds each job's task once). */
  public Outcome execute(TaskDefinition<?, ?> definition, String inputJson, JobContext context) {
    try {
      Object result = definition.invoke(inputJson, context, json);
      return result == null ? NO_RESULT : new Outcome.Succeeded(json.write(result));
    } catch (PayloadException e) {
      return new Outcome.Failed(JobError.of(e), false);
    } catch (InterruptedException | CancellationException e) {
      if (context.isCancelled()) {
        return new Outcome.Cancelled("cancelled while running");
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Outcome.Failed(JobError.of(e), true);
    } catch (Exception | Error e) {
      if (context.isCancelled()) {
        return new Outcome.Cancelled("cancelled while running: " + e);
      }
      return new Outcome.Failed(JobError.of(e), true);
    }
  }
}
