package dev.semafor.cli;

import dev.semafor.BrokerFatalException;
import dev.semafor.SemaforException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code semafor} command. Exit codes: 0 done; 2 the command could not be carried out as given
 * (a bad flag or value, a malformed broker URL, an unknown task, invalid JSON, a broker that fails
 * to open, no such job), reported as one line on stderr, and nothing was changed; 3 the broker
 * failed and retrying will not help ({@link BrokerFatalException}: a corrupt, deleted or replaced
 * SQLite file; or a worker in burst mode whose broker failed), one line on stderr; 1 an unexpected
 * failure (its stack trace with {@code --verbose}).
 */
public final class Main {
  /** Exit code for anything the user can fix by changing the command or its environment. */
  public static final int USAGE = 2;

  /** Exit code for a broker that failed for good ({@link BrokerFatalException}). */
  public static final int BROKER_FAILED = 3;

  /** Exit code for an unexpected failure. */
  public static final int FAILURE = 1;

  private Main() {}

  public static void main(String[] args) {
    int code = run(Cli.system(), args);
    System.exit(code);
  }

  /** Runs one command line against {@code cli}'s streams and environment; returns the exit code. */
  public static int run(Cli cli, String... args) {
    CommandLine line = commandLine(cli);
    try {
      return line.execute(args);
    } finally {
      cli.out().flush();
      cli.err().flush();
    }
  }

  /** The command tree wired to {@code cli}. */
  public static CommandLine commandLine(Cli cli) {
    SemaforCommand root = new SemaforCommand(cli);
    CommandLine line = new CommandLine(root);
    line.setOut(cli.out());
    line.setErr(cli.err());
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler(Main::onBadArguments);
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> onFailure(e, command, root.verbose(), cli));
    line.setExecutionStrategy(
        parsed -> {
          if (isLab(parsed)) {
            // Its output is a report, like demo's and bench's: the workers' start and stop lines
            // are noise (the lab module cannot reach this module's Logging itself).
            Logging.quietUnless(root.verbose());
          }
          return new CommandLine.RunLast().execute(parsed);
        });
    return line;
  }

  private static boolean isLab(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult sub = parsed.subcommand();
    return sub != null && sub.commandSpec().userObject() instanceof dev.semafor.lab.LabCommand;
  }

  private static int onBadArguments(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    command.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
    return USAGE;
  }

  private static int onFailure(Exception e, CommandLine command, boolean verbose, Cli cli) {
    if (verbose) {
      e.printStackTrace(cli.err());
    }
    String name = command.getCommandSpec().qualifiedName();
    if (e instanceof BrokerFatalException) {
      cli.err().println(name + ": " + e.getMessage());
      return BROKER_FAILED;
    }
    if (e instanceof SemaforException || e instanceof IllegalArgumentException) {
      cli.err().println(name + ": " + e.getMessage());
      return USAGE;
    }
    cli.err()
        .println(
            name
                + ": unexpected "
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage()
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
    return FAILURE;
  }
}
