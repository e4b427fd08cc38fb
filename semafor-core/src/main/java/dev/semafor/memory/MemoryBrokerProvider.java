package dev.semafor.memory;

import dev.semafor.broker.Broker;
import dev.semafor.broker.BrokerProvider;
import dev.semafor.broker.BrokerUrl;
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
