package dev.semafor.cli;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.Names;
import dev.semafor.SemaforException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code semafor} command. Exit codes: 0 done; 2 the command could not be carried out as given
 * (a bad flag or value, a malformed broker URL, an unknown task, invalid JSON, no such job),
 * reported as one line on stderr, and nothing was changed; 3 the broker cannot be reached or used
 * ({@link BrokerUnavailableException}: its server down, a refused login, a full disk; and, fatal
 * for a worker, a corrupt, deleted or replaced SQLite file), one line too; 1 an unexpected failure
 * (its stack trace with {@code --verbose}).
 */
public final class Main {
  /** Exit code for anything the user can fix by changing the command or its environment. */
  public static final int USAGE = 2;

  /** Exit code for an unexpected failure. */
  public static final int FAILURE = 1;

  /**
   * Exit code for a broker that cannot be reached or used (its server down or refusing us, its file
   * unusable): nothing was done, and the same command may succeed once the broker is back.
   */
  public static final int UNAVAILABLE = 3;

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
    Converters.register(line);
    line.setParameterExceptionHandler(Main::onBadArguments);
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> onFailure(e, command, root.verbose(), cli));
    labFooter(line.getSubcommands().get("lab"));
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

  /**
   * The lab takes no broker and runs nothing a later command could look at: its help ends with the
   * exit codes alone, not the root's broker line, which every other command inherits.
   */
  private static void labFooter(CommandLine lab) {
    if (lab == null) {
      return;
    }
    lab.getCommandSpec()
        .usageMessage()
        .footer("", "Exit codes: 0 done, 1 unexpected failure, 2 bad input (see docs/cli.md).");
    lab.getSubcommands().values().forEach(Main::labFooter);
  }

  private static boolean isLab(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult sub = parsed.subcommand();
    return sub != null && sub.commandSpec().userObject() instanceof dev.semafor.lab.LabCommand;
  }

  private static int onBadArguments(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    if (e instanceof CommandLine.MissingParameterException
        && !command.getUnmatchedArguments().isEmpty()) {
      // "enqueue --nope": the misspelt option is the mistake; the missing TASK follows from it.
      e = new CommandLine.UnmatchedArgumentException(command, command.getUnmatchedArguments());
    }
    String name = command.getCommandSpec().qualifiedName();
    command
        .getErr()
        .println(
            name
                + ": "
                + Converters.inUserTerms(Names.printable(e.getMessage()))
                + " (see '"
                + name
                + " --help')");
    return USAGE;
  }

  private static int onFailure(Exception e, CommandLine command, boolean verbose, Cli cli) {
    if (verbose) {
      e.printStackTrace(cli.err());
    }
    String name = command.getCommandSpec().qualifiedName();
    if (e instanceof BrokerUnavailableException) {
      cli.err().println(name + ": " + Names.printable(e.getMessage()));
      return UNAVAILABLE;
    }
    if (e instanceof SemaforException || e instanceof IllegalArgumentException) {
      cli.err().println(name + ": " + Names.printable(e.getMessage()));
      return USAGE;
    }
    cli.err()
        .println(
            name
                + ": unexpected "
                + e.getClass().getSimpleName()
                + ": "
                + Names.printable(e.getMessage())
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
    return FAILURE;
  }
}
