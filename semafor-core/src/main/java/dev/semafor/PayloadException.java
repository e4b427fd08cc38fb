package dev.semafor;

/** A JSON payload is malformed or does not bind to the task's input type. */
public class PayloadException extends SemaforException {
  public PayloadException(String message) {
    super(message);
  }

  public PayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
