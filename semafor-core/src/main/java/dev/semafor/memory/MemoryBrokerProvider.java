package dev.semafor.memory;

import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerProvider;
import dev.semafor.spi.BrokerUrl;
import java.time.InstantSource;
import java.util.Set;

/** Opens {@code memory:} brokers: each URL opens a new, empty one. */
public final class MemoryBrokerProvider implements BrokerProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public Broker open(BrokerUrl url, InstantSource clock) {
    return new MemoryBroker(clock);
  }
}
