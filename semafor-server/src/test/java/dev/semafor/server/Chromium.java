package dev.semafor.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds Debian's Chromium and ChromeDriver for the browser tests, installing them with {@code
 * src/test/scripts/install-chromium.sh} when missing (unless {@code SEMAFOR_CHROMIUM_INSTALL=0}).
 * Where they cannot be had the tests are skipped with a message saying how to get them, except on
 * CI ({@code CI=true}), where that is a failure.
 */
final class Chromium {
  static final Path BROWSER = Path.of(env("SEMAFOR_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("SEMAFOR_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Path INSTALL = Path.of("src/test/scripts/install-chromium.sh");

  private Chromium() {}

  /** Makes sure both are present, or aborts (fails on CI) the calling test. */
  static void require() {
    if (present()) {
      return;
    }
    String why;
    if ("0".equals(System.getenv("SEMAFOR_CHROMIUM_INSTALL"))) {
      why = "not installed: SEMAFOR_CHROMIUM_INSTALL=0";
    } else {
      why = install();
    }
    if (present()) {
      return;
    }
    String message =
        "the dashboard's browser tests need Chromium and ChromeDriver at "
            + BROWSER
            + " and "
            + DRIVER
            + " ("
            + why
            + "). To get them: apt-get install chromium chromium-driver (Debian, Ubuntu; bin/test"
            + " does this when it can), or point SEMAFOR_CHROMIUM and SEMAFOR_CHROMEDRIVER at a"
            + " Chromium or Chrome and the ChromeDriver of the same version.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** Runs the install script; returns what happened, for the message if they are still missing. */
  private static String install() {
    String why;
    try {
      Process p = new ProcessBuilder("bash", INSTALL.toString()).inheritIO().start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        why = "install-chromium.sh timed out";
      } else {
        why = "install-chromium.sh exited " + p.exitValue();
      }
    } catch (IOException e) {
      why = "cannot run " + INSTALL + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted while installing chromium";
    }
    return why;
  }

  private static boolean present() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
