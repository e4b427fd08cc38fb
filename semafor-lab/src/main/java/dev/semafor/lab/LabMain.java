package dev.semafor.lab;

import picocli.CommandLine;

/**
 * Runs the lab on its own, without the {@code semafor} command: {@code java -cp …
 * dev.semafor.lab.LabMain primes --compare}. The {@code semafor} CLI mounts the same {@link
 * LabCommand} as {@code semafor lab}.
 */
public final class LabMain {
  private LabMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The lab's command line; an experiment that fails prints its message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LabCommand());
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e));
          commandLine.getErr().flush();
          return 1;
        });
    return cl;
  }
}
