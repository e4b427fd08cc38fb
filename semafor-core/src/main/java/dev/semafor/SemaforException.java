package dev.semafor;

/** The root of every exception Semafor throws. Unchecked: callers catch the specific subtypes. */
public class SemaforException extends RuntimeException {
  public SemaforException(String message) {
    super(message);
  }

  public SemaforException(String message, Throwable cause) {
    super(message, cause);
  }
}
