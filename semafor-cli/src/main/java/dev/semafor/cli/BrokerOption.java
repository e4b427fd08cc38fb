package dev.semafor.cli;

import dev.semafor.broker.Broker;
import dev.semafor.broker.Brokers;
import dev.semafor.broker.OpenMode;
import java.time.InstantSource;
import picocli.CommandLine.Option;

/** The {@code --broker URL} option every command that talks to a broker mixes in. */
final class BrokerOption {
  @Option(
      names = {"-b", "--broker"},
      paramLabel = "URL",
      description = "Broker URL: sqlite:FILE, memory:, ... (default: $SEMAFOR_BROKER).")
  String url;

  /** The URL this command uses: the flag, else the environment, else the embedded default. */
  String resolve(Cli cli) {
    return cli.brokerUrl(url);
  }

  /**
   * Opens the broker; a malformed URL or one that fails to open throws with a one-line message
   * naming it.
   */
  Broker open(Cli cli) {
    return Brokers.open(resolve(cli));
  }

  /**
   * Opens the broker for a command that only reads or acts on stored jobs: a store that does not
   * exist (a mistyped SQLite file name) is refused with a line saying so, not created.
   */
  Broker openExisting(Cli cli) {
    return Brokers.open(resolve(cli), InstantSource.system(), OpenMode.EXISTING);
  }
}
