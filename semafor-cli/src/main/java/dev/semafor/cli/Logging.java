package dev.semafor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.function.Supplier;
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

  /**
   * Runs {@code work} with the loggers under {@code name} silenced: for a library that logs an
   * error it also throws, which the command then reports in one line of its own.
   */
  static <T> T withoutErrorsFrom(String name, Supplier<T> work) {
    if (!(LoggerFactory.getLogger(name) instanceof Logger logger)) {
      return work.get();
    }
    Level before = logger.getLevel();
    logger.setLevel(Level.OFF);
    try {
      return work.get();
    } finally {
      logger.setLevel(before);
    }
  }
}
