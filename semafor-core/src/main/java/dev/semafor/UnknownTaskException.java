package dev.semafor;

import java.util.Collection;

/** No task is registered under the given name. */
public class UnknownTaskException extends SemaforException {
  private final String task;

  public UnknownTaskException(String task, Collection<String> known) {
    super("unknown task '" + task + "' (registered: " + String.join(", ", known) + ")");
    this.task = task;
  }

  public String task() {
    return task;
  }
}
