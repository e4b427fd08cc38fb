package dev.semafor.redis;

import dev.semafor.broker.Broker;
import dev.semafor.broker.Brokers;
import dev.semafor.tck.BrokerContract;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole Broker contract (TCK) on Redis: each case under a fresh prefix of this class's. */
class RedisBrokerTckTest extends BrokerContract {
  private static final String PREFIX = TestRedis.newPrefix("tck");
  private static final AtomicInteger cases = new AtomicInteger();

  @BeforeAll
  static void redisIsUp() {
    TestRedis.assumeAvailable();
  }

  @AfterAll
  static void deleteKeys() {
    TestRedis.deleteKeys(PREFIX);
  }

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(TestRedis.url(PREFIX + "-" + cases.incrementAndGet()), clock);
  }
}
