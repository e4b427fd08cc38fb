package dev.semafor.redis;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.BrokerContract;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole Broker contract (TCK) on Redis: each case under a fresh prefix of this class's. */
class RedisBrokerTckTest extends BrokerContract {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("tck");

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(redis.nextUrl(), clock);
  }
}
