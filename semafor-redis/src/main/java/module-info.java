/**
 * The Redis broker (Lettuce, Lua scripts), found through {@link dev.semafor.broker.BrokerProvider}
 * by URL scheme ({@code redis:}, {@code rediss:}).
 */
module dev.semafor.redis {
  requires transitive dev.semafor.core;
  requires lettuce.core;
  requires io.netty.buffer;
  requires org.slf4j;

  exports dev.semafor.redis;

  opens dev.semafor.redis to
      com.fasterxml.jackson.databind;

  provides dev.semafor.broker.BrokerProvider with
      dev.semafor.redis.RedisBrokerProvider;
}
