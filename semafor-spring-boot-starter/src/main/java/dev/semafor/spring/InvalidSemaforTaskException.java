package dev.semafor.spring;

import dev.semafor.SemaforException;
import java.lang.reflect.Method;

/**
 * A {@link SemaforTask} declaration Semafor cannot use: a bad cron expression or zone, or a method
 * with more than one payload or context parameter. Its message is one line naming the method;
 * {@link SemaforPropertyFailureAnalyzer} prints it as the reason the application did not start.
 */
public final class InvalidSemaforTaskException extends SemaforException {
  public InvalidSemaforTaskException(Method method, String reason, Throwable cause) {
    super(
        "@SemaforTask method "
            + method.getDeclaringClass().getSimpleName()
            + "."
            + method.getName()
            + ": "
            + reason,
        cause);
  }
}
