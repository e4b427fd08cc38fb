package dev.semafor.worker;

import dev.semafor.TaskRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A test task that ignores interrupts: it runs until its test releases it, then returns. */
final class StubbornTask {
  static final String NAME = "test.stubborn";

  private StubbornTask() {}

  /** Registers it: it counts {@code started} down, then waits for {@code release}. */
  static void register(TaskRegistry registry, CountDownLatch started, CountDownLatch release) {
    registry.register(
        NAME,
        Object.class,
        (in, ctx) -> {
          started.countDown();
          boolean over = false;
          while (!over) {
            try {
              over = release.await(1, TimeUnit.HOURS);
            } catch (InterruptedException ignored) {
              // stubborn
            }
          }
          return "finished late";
        });
  }
}
