package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.spi.Brokers;
import org.junit.jupiter.api.Test;

/** Parsing {@code redis://} and {@code rediss://} URLs; the password is never shown. */
class RedisUrlTest {
  @Test
  void defaults() {
    RedisUrl url = RedisUrl.parse("redis://localhost");
    assertThat(url.host()).isEqualTo("localhost");
    assertThat(url.port()).isEqualTo(6379);
    assertThat(url.database()).isZero();
    assertThat(url.prefix()).isEqualTo("semafor");
    assertThat(url.tls()).isFalse();
    assertThat(url.tag()).isEqualTo("{semafor}");
  }

  @Test
  void everyPart() {
    RedisUrl url = RedisUrl.parse("rediss://app:s%40cret@cache.example:6380/3?prefix=orders");
    assertThat(url.tls()).isTrue();
    assertThat(url.host()).isEqualTo("cache.example");
    assertThat(url.port()).isEqualTo(6380);
    assertThat(url.database()).isEqualTo(3);
    assertThat(url.user()).isEqualTo("app");
    assertThat(new String(url.password())).isEqualTo("s@cret");
    assertThat(url.prefix()).isEqualTo("orders");
  }

  @Test
  void aPasswordAloneHasNoUser() {
    RedisUrl url = RedisUrl.parse("redis://:hunter2@h/1");
    assertThat(url.user()).isNull();
    assertThat(new String(url.password())).isEqualTo("hunter2");
  }

  @Test
  void thePasswordIsNeverShown() {
    RedisUrl url = RedisUrl.parse("redis://app:hunter2@h:1/2?prefix=p");
    assertThat(url.describe())
        .isEqualTo("redis://app:***@h:1/2?prefix=p")
        .doesNotContain("hunter2");
    assertThat(url.toString()).doesNotContain("hunter2");
    assertThat(RedisUrl.redact("redis://app:hunter2@h")).doesNotContain("hunter2");
    assertThat(RedisUrl.redact("redis://hunter2@h")).doesNotContain("hunter2");
  }

  @Test
  void anUnreachableServerIsOneLineWithoutThePassword() {
    int port = TestPorts.free();
    assertThatThrownBy(() -> Brokers.open("redis://app:hunter2@127.0.0.1:" + port + "/0"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void badUrlsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> RedisUrl.parse("redis://h/zero"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database must be a number");
    assertThatThrownBy(() -> RedisUrl.parse("redis://h?prefx=a"))
        .hasMessageContaining("unknown parameter 'prefx'");
    assertThatThrownBy(() -> RedisUrl.parse("redis://h?prefix=a:b"))
        .hasMessageContaining("prefix must be");
    assertThatThrownBy(() -> RedisUrl.parse("redis:///0")).hasMessageContaining("names no host");
    assertThatThrownBy(() -> RedisUrl.parse("redis://u:hunter2@h/x"))
        .hasMessageNotContaining("hunter2");
  }
}
