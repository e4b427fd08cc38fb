package dev.semafor;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Awaitility check a condition at once and then every 10 ms, instead of its defaults (first
 * check after 100 ms, then every 100 ms), which cost a tenth of a second per wait even when the
 * condition already holds. Registered for every test class of this module by the service file and
 * {@code junit.jupiter.extensions.autodetection.enabled}. A test that sets its own delay keeps it.
 */
public final class QuickAwaitility implements BeforeAllCallback {
  static final Duration POLL = Duration.ofMillis(10);

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(POLL);
  }
}
