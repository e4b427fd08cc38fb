/**
 * The Redis broker (Lettuce, Lua scripts), found through {@link dev.semafor.spi.BrokerProvider} by
 * URL scheme ({@code redis:}, {@code rediss:}).
 */
module dev.semafor.redis {
  requires transitive dev.semafor.core;
  requires lettuce.core;
  requires io.netty.buffer;
  requires org.slf4j;

  exports dev.semafor.redis;

  opens dev.semafor.redis to
      com.fasterxml.jackson.databind;

  provides dev.semafor.spi.BrokerProvider with
      dev.semafor.redis.RedisBrokerProvider;
}
