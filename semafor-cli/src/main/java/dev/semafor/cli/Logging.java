package dev.semafor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Adjusts the command's logging (Logback, configured by {@code logback.xml} in this jar). */
final class Logging {
  private Logging() {}

  /**
   * Shows only warnings and errors from Semafor's own classes, unless {@code verbose}: for commands
   * whose output is a report (demo, bench), where the worker's start and stop lines are noise.
   */
  static void quietUnless(boolean verbose) {
    if (!verbose && LoggerFactory.getLogger("dev.semafor") instanceof Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }
}
