package dev.semafor.process;

import dev.semafor.SemaforException;

/**
 * A frame of the process-pool pipe protocol is malformed: a bad or oversized length prefix, a
 * stream that ends inside a frame, text that is not JSON, or a frame of unknown or unexpected type.
 */
public class ProtocolException extends SemaforException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
