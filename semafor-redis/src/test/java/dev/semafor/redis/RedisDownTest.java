package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.spi.Brokers;
import org.junit.jupiter.api.Test;

/** No Redis at the URL: one error in the user's terms, the URL once (no password), the reason. */
class RedisDownTest {

  @Test
  void aRefusedConnectionSaysSoOnceWithoutTheClientsInternals() {
    int port = TestPorts.free();

    assertThatThrownBy(() -> Brokers.open("redis://:secret@127.0.0.1:" + port + "/0?prefix=down"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessage(
            "cannot connect to Redis at redis://***@127.0.0.1:"
                + port
                + "/0?prefix=down: Connection refused");
  }
}
