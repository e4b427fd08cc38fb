package dev.semafor.redis;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.JobControlContract;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job-control contract on Redis: each case under a fresh prefix of this class's. */
class RedisJobControlTest extends JobControlContract {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("control");

  @Override
  protected Broker newBroker(InstantSource clock) {
    return Brokers.open(redis.nextUrl(), clock);
  }
}
