package dev.semafor.cli.usertasks;

import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;

/**
 * A user's task module, as if from their own jar. Not listed in any service file on the test
 * classpath: a test puts it in a jar of its own and passes that with {@code --classpath}.
 */
public final class GreetingModule implements TaskModule {
  public static final String TASK = "test.greet";

  /** Input of {@code test.greet}. */
  public record Greeting(String name) {}

  @Override
  public void register(TaskRegistry registry) {
    registry.register(TASK, Greeting.class, (input, ctx) -> "hello, " + input.name());
  }
}
