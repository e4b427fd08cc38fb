package dev.semafor.lab;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the lab is talking to a person at a terminal (then it animates) or to a log. */
final class Terminal {
  private Terminal() {}

  /**
   * True when this JVM has an interactive console. Since JDK 22 {@link System#console()} returns a
   * console even when the streams are redirected, and {@code Console.isTerminal()} tells the two
   * apart; it is called reflectively because Semafor compiles for Java 21.
   */
  static boolean isInteractive() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // JDK 21: a console exists only on a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
