package dev.semafor.cli;

import dev.semafor.BrokerFatalException;
import dev.semafor.BrokerUnavailableException;
import dev.semafor.PayloadException;
import dev.semafor.SemaforException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerUrl;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.OpenMode;
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

  /** The URL without its password, for reports; a malformed one throws like {@link #open}. */
  String redacted(Cli cli) {
    try {
      return BrokerUrl.parse(resolve(cli)).redacted();
    } catch (RuntimeException e) {
      throw fromEnv(cli, url) ? attributed(e) : e;
    }
  }

  /**
   * Opens the broker; a malformed URL or one that fails to open throws with a one-line message
   * naming it (and, when the URL came from {@code $SEMAFOR_BROKER}, saying so).
   */
  Broker open(Cli cli) {
    return open(cli, url, resolve(cli), OpenMode.CREATE);
  }

  /**
   * Opens the broker for a command that only reads or acts on stored jobs: a store that does not
   * exist (a mistyped SQLite file name) is refused with a line saying so, not created.
   */
  Broker openExisting(Cli cli) {
    return open(cli, url, resolve(cli), OpenMode.EXISTING);
  }

  /** Opens {@code resolved}, the URL a command with {@code --broker flag} chose. */
  static Broker open(Cli cli, String flag, String resolved, OpenMode mode) {
    try {
      return Brokers.open(resolved, InstantSource.system(), mode);
    } catch (RuntimeException e) {
      throw fromEnv(cli, flag) ? attributed(e) : e;
    }
  }

  /** Whether the URL a command with this flag uses is the environment's. */
  static boolean fromEnv(Cli cli, String flag) {
    return (flag == null || flag.isBlank()) && cli.env(Brokers.ENV) != null;
  }

  /**
   * The same failure, of the same kind (so the exit code stays), saying that the URL came from
   * {@code $SEMAFOR_BROKER}: a user who gave no {@code --broker} may not know it is set.
   */
  static RuntimeException attributed(RuntimeException e) {
    String message = e.getMessage() + " (the broker URL is from $" + Brokers.ENV + ")";
    return switch (e) {
      case BrokerFatalException f -> new BrokerFatalException(message, f);
      case BrokerUnavailableException u -> new BrokerUnavailableException(message, u);
      case PayloadException p -> new PayloadException(message, p);
      case SemaforException s -> new SemaforException(message, s);
      case IllegalArgumentException a -> new IllegalArgumentException(message, a);
      default -> e;
    };
  }
}
