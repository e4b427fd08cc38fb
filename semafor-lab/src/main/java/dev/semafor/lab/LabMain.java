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

  /** The lab's command line, configured as {@code semafor lab} is. */
  public static CommandLine commandLine() {
    return new CommandLine(new LabCommand());
  }
}
