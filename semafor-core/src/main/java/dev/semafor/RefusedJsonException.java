package dev.semafor;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * JSON that parses but is refused because reading it would change it: a number out of a 64-bit
 * float's range, or a lone UTF-16 surrogate. Thrown by the parsers of {@link Json#defaultMapper()}
 * (a duplicate key is refused by Jackson itself); {@link Json} turns it into a {@link
 * PayloadException}.
 */
public final class RefusedJsonException extends JsonParseException {
  private static final long serialVersionUID = 1L;

  RefusedJsonException(JsonParser parser, String message) {
    super(parser, message);
  }

  /** The refusal in {@code e} or its causes, or null. */
  public static RefusedJsonException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedJsonException r) {
        return r;
      }
    }
    return null;
  }
}
