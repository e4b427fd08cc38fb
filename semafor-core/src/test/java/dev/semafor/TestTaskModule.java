package dev.semafor;

/** A task module listed in this test tree's {@code META-INF/services}, found by discovery. */
public final class TestTaskModule implements TaskModule {
  public static final String GREET = "test.greet";

  /** Input of {@code test.greet}. */
  public record Greeting(String name) {}

  @Override
  public void register(TaskRegistry registry) {
    registry.register(GREET, Greeting.class, (input, ctx) -> "hello, " + input.name());
  }
}
