package dev.semafor.tck;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Broker;
import java.time.InstantSource;

class MemoryJobControlTest extends JobControlContract {
  @Override
  protected Broker newBroker(InstantSource clock) {
    return new MemoryBroker(clock);
  }
}
