package dev.semafor.broker;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.tck.JobControlContract;
import java.time.InstantSource;

class MemoryJobControlTest extends JobControlContract {
  @Override
  protected Broker newBroker(InstantSource clock) {
    return new MemoryBroker(clock);
  }
}
