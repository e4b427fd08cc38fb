package dev.semafor;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Why an attempt failed: the exception's type, its message, and its stack trace cut to a bound so
 * that one deep recursion cannot bloat the broker.
 */
public record JobError(String type, String message, String stackTrace) {
  public static final int MAX_STACK_CHARS = 8_192;
  public static final int MAX_MESSAGE_CHARS = 2_048;

  public JobError {
    type = type == null ? "unknown" : type;
    message = truncate(message == null ? "" : message, MAX_MESSAGE_CHARS);
    stackTrace = truncate(stackTrace == null ? "" : stackTrace, MAX_STACK_CHARS);
  }

  public static JobError of(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return new JobError(t.getClass().getName(), String.valueOf(t.getMessage()), out.toString());
  }

  public static JobError of(String type, String message) {
    return new JobError(type, message, "");
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "\n… (" + (s.length() - max) + " more)";
  }

  @Override
  public String toString() {
    return type + ": " + message;
  }
}
