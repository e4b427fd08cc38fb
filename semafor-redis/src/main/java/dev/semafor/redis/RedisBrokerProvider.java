package dev.semafor.redis;

import dev.semafor.spi.Broker;
import dev.semafor.spi.BrokerProvider;
import dev.semafor.spi.BrokerUrl;
import java.time.InstantSource;
import java.util.Set;

/**
 * Opens {@code redis://[user:password@]host[:port][/db]?prefix=NAME} brokers, and {@code
 * rediss://…} over TLS. See {@code docs/redis.md}.
 */
public final class RedisBrokerProvider implements BrokerProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public Broker open(BrokerUrl url, InstantSource clock) {
    return RedisBroker.open(RedisUrl.parse(url.text()), clock);
  }
}
