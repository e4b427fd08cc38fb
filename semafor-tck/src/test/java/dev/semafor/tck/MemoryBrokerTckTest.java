package dev.semafor.tck;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Broker;
import java.time.InstantSource;

/** The memory broker passes the whole contract suite. */
class MemoryBrokerTckTest extends BrokerContract {
  @Override
  protected Broker newBroker(InstantSource clock) {
    return new MemoryBroker(clock);
  }
}
