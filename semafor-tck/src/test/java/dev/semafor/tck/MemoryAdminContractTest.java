package dev.semafor.tck;

import dev.semafor.broker.Broker;
import dev.semafor.broker.MemoryBroker;
import java.time.InstantSource;

class MemoryAdminContractTest extends AdminContract {
  @Override
  protected Broker newBroker(InstantSource clock) {
    return new MemoryBroker(clock);
  }
}
