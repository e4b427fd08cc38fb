package dev.semafor.spi;

import java.time.InstantSource;

/**
 * Opens brokers for the URL schemes it knows. Found with {@link java.util.ServiceLoader}, so a
 * backend module on the classpath adds its scheme ({@code sqlite:}, {@code postgres://}, …).
 */
public interface BrokerProvider {
  /** The URL schemes this provider opens, such as {@code "sqlite"}. */
  java.util.Set<String> schemes();

  /** Opens the broker at {@code url}; throws {@link dev.semafor.BrokerUnavailableException}. */
  Broker open(BrokerUrl url, InstantSource clock);

  /**
   * Opens the broker at {@code url} as {@code mode} allows. The default is for backends whose store
   * cannot be missing: it ignores the mode.
   */
  default Broker open(BrokerUrl url, InstantSource clock, OpenMode mode) {
    return open(url, clock);
  }
}
