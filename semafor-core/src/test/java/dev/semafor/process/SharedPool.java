package dev.semafor.process;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A pool shared by the tests of one class, as a child costs its start: started by the first test
 * that asks ({@link #get}), checked after each test to be idle with its children alive (so a test
 * leaves it as it found it), closed after the class. Register it as a static
 * {@code @RegisterExtension} field.
 */
final class SharedPool implements AfterEachCallback, AfterAllCallback {
  private final int children;
  private final Callable<PoolFixture> start;
  private PoolFixture pool;

  SharedPool(int children, Callable<PoolFixture> start) {
    this.children = children;
    this.start = start;
  }

  PoolFixture get() throws Exception {
    if (pool == null) {
      pool = start.call();
    }
    return pool;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (pool != null) {
      pool.awaitIdle(children);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
