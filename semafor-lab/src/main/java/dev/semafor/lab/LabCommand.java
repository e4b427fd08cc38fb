package dev.semafor.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code semafor lab}: the experiments of the concurrency notes, reproduced on this machine and
 * measured. The CLI mounts it with {@code commandLine.addSubcommand(new LabCommand())}.
 */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    description =
        "Concurrency experiments, measured on this machine: why Semafor's execution models are"
            + " what they are.",
    subcommands = {
      SpinnerCommand.class,
      PrimesCommand.class,
      ContentionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LabCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand the lab prints its usage. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
