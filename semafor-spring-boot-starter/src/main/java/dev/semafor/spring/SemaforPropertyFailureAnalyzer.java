package dev.semafor.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a bad {@code semafor.*} property as the reason the application did not start, in place of
 * the stack trace of the bean that could not be made.
 */
final class SemaforPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidSemaforPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidSemaforPropertyException cause) {
    return new FailureAnalysis(
        "Invalid value '"
            + cause.value()
            + "' for property '"
            + cause.property()
            + "': "
            + cause.reason(),
        "Fix '" + cause.property() + "' (see docs/spring-boot.md for every semafor.* property).",
        cause);
  }

  /** Reports a bad {@link SemaforTask} declaration. */
  static final class Tasks extends AbstractFailureAnalyzer<InvalidSemaforTaskException> {
    @Override
    protected FailureAnalysis analyze(Throwable root, InvalidSemaforTaskException cause) {
      return new FailureAnalysis(
          cause.getMessage(), "Fix the @SemaforTask declaration (see docs/spring-boot.md).", cause);
    }
  }
}
