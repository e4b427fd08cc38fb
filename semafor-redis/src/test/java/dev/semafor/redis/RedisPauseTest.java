package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A pause is stored on the server: a broker opened again on the prefix finds it. */
class RedisPauseTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("pause");

  @Test
  void aPausedQueueStaysPausedWhenTheBrokerIsOpenedAgain() {
    String url = redis.nextUrl();
    try (Broker broker = Brokers.open(url)) {
      broker.pauseQueue("mail");
    }
    try (Broker reopened = Brokers.open(url)) {
      assertThat(reopened.pausedQueues()).containsExactly("mail");
      assertThat(reopened.stats()).singleElement().satisfies(q -> assertThat(q.paused()).isTrue());
    }
  }
}
