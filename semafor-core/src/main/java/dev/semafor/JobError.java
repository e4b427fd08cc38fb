package dev.semafor;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Why an attempt failed: the exception's type, its message, and its stack trace, each cut to a
 * bound ({@link #MAX_MESSAGE_CHARS}, {@link #MAX_STACK_CHARS}) so that one deep recursion cannot
 * bloat the broker.
 */
public record JobError(String type, String message, String stackTrace) {
  public static final int MAX_STACK_CHARS = 8_192;
  public static final int MAX_MESSAGE_CHARS = 2_048;

  /** Room for the note "\n… (N more)" that replaces the cut part: N has at most 10 digits. */
  private static final int NOTE_ROOM = 20;

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

  /**
   * Cuts {@code s} to at most {@code max} characters, the note on what was cut included.
   * Idempotent, so an error read back from a broker equals the one written; never splits a
   * surrogate pair.
   */
  private static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int keep = max - NOTE_ROOM;
    if (Character.isHighSurrogate(s.charAt(keep - 1))) {
      keep--;
    }
    return s.substring(0, keep) + "\n… (" + (s.length() - keep) + " more)";
  }

  @Override
  public String toString() {
    return type + ": " + message;
  }
}
