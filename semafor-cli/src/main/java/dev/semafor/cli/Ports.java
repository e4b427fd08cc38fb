package dev.semafor.cli;

import io.javalin.util.JavalinBindException;
import java.net.BindException;
import java.util.function.Supplier;

/** Starting a server on a port the user chose: a port in use is one line and exit code 2. */
final class Ports {
  private Ports() {}

  /**
   * Runs {@code start}; if the port is taken, throws {@link IllegalArgumentException} naming {@code
   * flag} and the port, without the web server's own error line and stack trace.
   */
  static <T> T start(String flag, int port, Supplier<T> start) {
    try {
      return Logging.withoutErrorsFrom("io.javalin", start);
    } catch (RuntimeException e) {
      if (bindFailed(e)) {
        throw new IllegalArgumentException(
            flag
                + " "
                + port
                + ": the port is in use (another program listens on it); choose another port, or 0"
                + " for any free one",
            e);
      }
      throw e;
    }
  }

  private static boolean bindFailed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JavalinBindException || t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
