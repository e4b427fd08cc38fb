package dev.semafor.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;

/**
 * Strings as UTF-8, written straight into the command's buffer. Lettuce's {@link StringCodec#UTF8}
 * only estimates a string's encoded length, so Lettuce encodes every argument into a temporary
 * buffer first to learn it (an allocation and a copy per argument: thousands per batch call). This
 * codec counts the exact length ({@link ByteBufUtil#utf8Bytes}), so each argument is written once.
 * Replies are decoded as {@link StringCodec#UTF8} does.
 */
final class Utf8Codec implements RedisCodec<String, String>, ToByteBufEncoder<String, String> {
  static final Utf8Codec INSTANCE = new Utf8Codec();

  private Utf8Codec() {}

  @Override
  public int estimateSize(Object keyOrValue) {
    return keyOrValue instanceof String s ? ByteBufUtil.utf8Bytes(s) : 0;
  }

  @Override
  public boolean isEstimateExact() {
    return true;
  }

  @Override
  public void encodeKey(String key, ByteBuf target) {
    encodeValue(key, target);
  }

  @Override
  public void encodeValue(String value, ByteBuf target) {
    if (value != null) {
      ByteBufUtil.writeUtf8(target, value);
    }
  }

  @Override
  public String decodeKey(ByteBuffer bytes) {
    return decodeValue(bytes);
  }

  @Override
  public String decodeValue(ByteBuffer bytes) {
    return StringCodec.UTF8.decodeValue(bytes);
  }

  @Override
  public ByteBuffer encodeKey(String key) {
    return encodeValue(key);
  }

  @Override
  public ByteBuffer encodeValue(String value) {
    return StringCodec.UTF8.encodeValue(value);
  }
}
