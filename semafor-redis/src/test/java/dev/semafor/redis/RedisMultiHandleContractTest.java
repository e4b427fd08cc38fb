package dev.semafor.redis;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.tck.MultiHandleContract;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK's multi-handle contract on Redis: handles with connections of their own on one prefix.
 */
class RedisMultiHandleContractTest extends MultiHandleContract {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("multi");

  @Override
  protected List<Broker> openHandles(int n, InstantSource clock) {
    String url = redis.nextUrl();
    List<Broker> handles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      handles.add(Brokers.open(url, clock));
    }
    return handles;
  }
}
