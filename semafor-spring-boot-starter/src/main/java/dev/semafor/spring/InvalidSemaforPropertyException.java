package dev.semafor.spring;

import dev.semafor.SemaforException;

/**
 * A {@code semafor.*} property has a value Semafor cannot use. Its message is one line that names
 * the property, the value and what is wrong; {@link SemaforPropertyFailureAnalyzer} prints it as
 * the reason the application did not start.
 */
public final class InvalidSemaforPropertyException extends SemaforException {
  private final String property;
  private final transient Object value;
  private final String reason;

  public InvalidSemaforPropertyException(String property, Object value, String reason) {
    this(property, value, reason, null);
  }

  public InvalidSemaforPropertyException(
      String property, Object value, String reason, Throwable cause) {
    super(property + "=" + value + ": " + reason, cause);
    this.property = property;
    this.value = value;
    this.reason = reason;
  }

  /** The property's full name, such as {@code semafor.worker.concurrency}. */
  public String property() {
    return property;
  }

  public Object value() {
    return value;
  }

  public String reason() {
    return reason;
  }
}
