package dev.semafor.spi;

import java.time.InstantSource;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Opens a broker by URL, choosing the provider by scheme. */
public final class Brokers {
  /** The environment variable that names the broker when no flag does. */
  public static final String ENV = "SEMAFOR_BROKER";

  /** The embedded default: one SQLite file in the working directory. */
  public static final String DEFAULT_URL = "sqlite:semafor.db";

  private Brokers() {}

  public static Broker open(String url) {
    return open(url, InstantSource.system());
  }

  public static Broker open(String url, InstantSource clock) {
    return open(url, clock, OpenMode.CREATE);
  }

  /**
   * Opens the broker at {@code url}; with {@link OpenMode#EXISTING}, one whose store does not exist
   * yet is refused instead of created.
   */
  public static Broker open(String url, InstantSource clock, OpenMode mode) {
    BrokerUrl parsed = BrokerUrl.parse(url);
    TreeSet<String> known = new TreeSet<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (BrokerProvider provider : ServiceLoader.load(BrokerProvider.class, loader)) {
      if (provider.schemes().contains(parsed.scheme())) {
        return provider.open(parsed, clock, mode);
      }
      known.addAll(provider.schemes());
    }
    // The URL as given names no backend: the caller's to fix, not an outage (CLI exit code 2).
    throw new IllegalArgumentException(
        "no broker for '"
            + parsed.scheme()
            + ":' URLs (known: "
            + String.join(", ", known)
            + "); is its module on the classpath?");
  }

  /** {@code flag} if given, else {@code $SEMAFOR_BROKER}, else {@link #DEFAULT_URL}. */
  public static String resolveUrl(@Nullable String flag) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String env = System.getenv(ENV);
    return env != null && !env.isBlank() ? env : DEFAULT_URL;
  }
}
