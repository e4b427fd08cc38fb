package dev.semafor.cli;

import dev.semafor.broker.Broker;
import dev.semafor.broker.Brokers;
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
}
