package dev.semafor.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root of the command tree: holds what every subcommand shares. */
@Command(
    name = "semafor",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = SemaforCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Semafor: a task queue and worker system for the JVM.",
    footer = {
      "",
      "The broker is --broker, else $SEMAFOR_BROKER, else sqlite:semafor.db.",
      "Exit codes: 0 done, 1 unexpected failure, 2 bad input (nothing changed),",
      "3 broker unreachable or unusable, 130 a second Ctrl-C (see docs/cli.md)."
    },
    subcommands = {
      DemoCommand.class,
      WorkerCommand.class,
      EnqueueCommand.class,
      StatusCommand.class,
      JobCommand.class,
      JobsCommand.class,
      BenchCommand.class,
      CancelCommand.class,
      RetryCommand.class,
      SchedulesCommand.class,
      QueueCommand.class,
      DashboardCommand.class,
      ChaosCommand.class,
      TrainCommand.class,
      dev.semafor.lab.LabCommand.class
    })
public final class SemaforCommand implements Callable<Integer> {
  private final Cli cli;

  @Spec private CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces of errors.")
  private boolean verbose;

  public SemaforCommand(Cli cli) {
    this.cli = cli;
  }

  public Cli cli() {
    return cli;
  }

  public boolean verbose() {
    return verbose;
  }

  /** Without a subcommand: the usage help, on stderr, and exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(cli.err());
    return Main.USAGE;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SemaforCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "semafor " + (version == null ? "(development build, not run from the jar)" : version),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
