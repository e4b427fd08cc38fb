package dev.semafor.it;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * What the tests here need of the machine. Outside CI a missing requirement skips the test with the
 * reason; with {@code CI=true} it fails it, so that CI never passes by testing nothing.
 */
final class Requirements {
  private Requirements() {}

  /** Root and a working {@code ip netns}: see {@link NetHosts#unavailableReason}. */
  static void namespaces() {
    need(NetHosts.unavailableReason());
  }

  /** Skips (fails, in CI) with {@code reason} unless it is null. */
  static void need(String reason) {
    if (reason == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("needed in CI: " + reason);
    }
    Assumptions.abort("skipped: " + reason);
  }
}
