package dev.semafor.redis;

import dev.semafor.BrokerUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker's connection to Redis: the Lettuce client, the shared command connection, the scripts,
 * and what an outage looks like from here.
 *
 * <h2>Outages</h2>
 *
 * Lettuce reconnects on its own (backing off from 10 ms to 1 s between attempts). While the
 * connection is down every call fails at once with {@link BrokerUnavailableException} instead of
 * queueing up, so a worker's loops see the failure, back off and try again; the loss and the
 * recovery are each logged once here. Scripts the restarted server no longer knows are loaded again
 * on their first {@code NOSCRIPT} ({@link Scripts}).
 */
final class RedisStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final RedisUrl url;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> redis;
  private final Scripts scripts = new Scripts();
  private final String[] keys;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile boolean closing;

  private RedisStore(RedisUrl url) {
    this.url = url;
    this.keys = new String[] {url.tag()};
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .commandLatencyRecorder(CommandLatencyRecorder.disabled()) // a cost on every command
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, url.toRedisUri(COMMAND_TIMEOUT));
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .keepAlive(true)
                    .build())
            .build());
    try {
      this.connection = client.connect(Utf8Codec.INSTANCE);
    } catch (RedisException e) {
      shutdown();
      throw new BrokerUnavailableException(
          "cannot connect to Redis at " + url.describe() + ": " + rootMessage(e), e);
    }
    this.redis = connection.sync();
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            if (!closing && down.compareAndSet(false, true)) {
              log.warn("lost the connection to Redis at {}; reconnecting", url.describe());
            }
          }
        });
  }

  static RedisStore connect(RedisUrl url) {
    RedisStore store = new RedisStore(url);
    store.checkEvictionPolicy();
    return store;
  }

  /** Warns, once at start, if Redis may evict keys: an evicted job is a lost job. */
  private void checkEvictionPolicy() {
    try {
      Map<String, String> policy = redis.configGet("maxmemory-policy");
      String value = policy.get("maxmemory-policy");
      if (value != null && !value.equals("noeviction")) {
        log.warn(
            "Redis at {} has maxmemory-policy {}: it may evict jobs when memory runs short, and an"
                + " evicted job is lost; set maxmemory-policy noeviction",
            url.describe(),
            value);
      }
    } catch (RedisException e) {
      log.info(
          "could not read maxmemory-policy of {} ({}); make sure it is noeviction",
          url.describe(),
          rootMessage(e));
    }
  }

  /** Runs a script; its answer as a list (a script's single number becomes a list of one). */
  @SuppressWarnings("unchecked")
  List<Object> call(Scripts.Name name, List<String> args) {
    Object out;
    try {
      out = scripts.call(redis, name, keys, args);
    } catch (RedisException e) {
      throw unavailable(e);
    }
    up();
    return out instanceof List<?> list ? (List<Object>) list : List.of(out);
  }

  /** Runs a read of plain commands, turning Lettuce's failures into the broker's. */
  <T> T read(java.util.function.Function<RedisCommands<String, String>, T> read) {
    T value;
    try {
      value = read.apply(redis);
    } catch (RedisException e) {
      throw unavailable(e);
    }
    up();
    return value;
  }

  /**
   * Runs many reads in one round trip: the commands are issued without waiting (Lettuce writes them
   * back to back on the shared connection, a pipeline) and their answers collected in order.
   */
  <T> List<T> readPipelined(
      java.util.function.Function<RedisAsyncCommands<String, String>, List<RedisFuture<T>>> reads) {
    List<T> out;
    try {
      List<RedisFuture<T>> futures = reads.apply(connection.async());
      out = new ArrayList<>(futures.size());
      for (RedisFuture<T> f : futures) {
        out.add(LettuceFutures.awaitOrCancel(f, COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      }
    } catch (RedisException e) {
      throw unavailable(e);
    }
    up();
    return out;
  }

  /** A call went through: if the connection had been lost, say once that it is back. */
  private void up() {
    if (down.get() && down.compareAndSet(true, false)) {
      log.info("reconnected to Redis at {}", url.describe());
    }
  }

  BrokerUnavailableException unavailable(RedisException e) {
    return new BrokerUnavailableException(
        "Redis at " + url.describe() + " failed: " + rootMessage(e), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    // the root cause's words ("Connection refused"); Lettuce's own ("Unable to connect to
    // 127.0.0.1/<unresolved>:6379") repeat the address, which the caller prints from the URL
    return String.valueOf(t.getMessage());
  }

  /** The server's clock in epoch milliseconds. */
  long serverMillis() {
    List<String> t = read(RedisCommands::time);
    return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
  }

  /** A key of this broker: the prefix's hash tag, a colon, the rest. */
  String key(String rest) {
    return keys[0] + ":" + rest;
  }

  /** A new pub/sub connection (for {@link Wakeups}). */
  StatefulRedisPubSubConnection<String, String> connectPubSub() {
    try {
      return client.connectPubSub(StringCodec.UTF8);
    } catch (RedisException e) {
      throw unavailable(e);
    }
  }

  String describe() {
    return url.describe();
  }

  /** From now on a lost connection is this broker closing, not an outage. */
  void closing() {
    closing = true;
  }

  @Override
  public void close() {
    closing = true;
    try {
      connection.close();
    } finally {
      shutdown();
    }
  }

  private void shutdown() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
