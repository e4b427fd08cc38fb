package dev.semafor;

/** The broker cannot be reached or opened; nothing was written. */
public class BrokerUnavailableException extends SemaforException {
  public BrokerUnavailableException(String message) {
    super(message);
  }

  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
