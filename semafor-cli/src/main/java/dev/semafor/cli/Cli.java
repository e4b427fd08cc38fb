package dev.semafor.cli;

import dev.semafor.ProgressBar;
import dev.semafor.spi.Brokers;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may touch outside itself: its two output streams, the environment variables it
 * reads and whether stderr is a terminal. Injected so that tests run commands in-process with
 * captured output and an environment of their own.
 *
 * @param out where results go (the only thing scripts read)
 * @param err where errors, notes and the progress bar go
 * @param env environment variables ({@code SEMAFOR_BROKER}, {@code SEMAFOR_CLASSPATH})
 * @param errIsTerminal whether live progress may be drawn on {@code err}
 */
public record Cli(
    PrintWriter out, PrintWriter err, Map<String, String> env, boolean errIsTerminal) {
  /** Names the classpath of user task jars when {@code --classpath} does not. */
  public static final String CLASSPATH_ENV = "SEMAFOR_CLASSPATH";

  public Cli {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    env = Map.copyOf(env);
  }

  /** The process's own streams and environment. */
  public static Cli system() {
    return new Cli(
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        System.getenv(),
        ProgressBar.stderrIsTerminal());
  }

  /** An environment variable, or null if unset or blank. */
  public String env(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** {@code flag} if given, else {@code $SEMAFOR_BROKER}, else the embedded default. */
  public String brokerUrl(String flag) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String fromEnv = env(Brokers.ENV);
    return fromEnv != null ? fromEnv : Brokers.DEFAULT_URL;
  }
}
