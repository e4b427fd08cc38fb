package dev.semafor;

/**
 * The broker's store can no longer be used by this process, and trying again will not help: its
 * database is corrupt, or its file was deleted or replaced while open. A worker that meets it stops
 * instead of retrying; the command line exits with code 3.
 */
public class BrokerFatalException extends BrokerUnavailableException {
  public BrokerFatalException(String message) {
    super(message);
  }

  public BrokerFatalException(String message, Throwable cause) {
    super(message, cause);
  }
}
